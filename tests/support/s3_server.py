"""A real S3 API on 127.0.0.1 for tests: moto's server mode (``ThreadedMotoServer``) on a free port.

    with S3Server() as s3:
        s3.create_bucket("cache")
        os.environ.update(s3.env)   # what s3fs / boto3 read: endpoint, dummy credentials, region
        ...

The server keeps its buckets in memory for as long as it runs.
"""

from __future__ import annotations

from typing import Any


class S3Server:
    """moto's S3 server in a thread of this process, on an ephemeral port of 127.0.0.1."""

    def __init__(self) -> None:
        self._server: Any = None
        self.endpoint_url = ""

    def __enter__(self) -> S3Server:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def env(self) -> dict[str, str]:
        """Environment variables that point AWS clients (s3fs, boto3) at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def create_bucket(self, name: str) -> str:
        """Create ``name`` and return ``s3://name``."""
        self.client().create_bucket(Bucket=name)
        return f"s3://{name}"

    def keys(self, bucket: str) -> list[str]:
        """Every object key in ``bucket``."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self.client().put_object(Bucket=bucket, Key=key, Body=data)
