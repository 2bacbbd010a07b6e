"""Data types and pure logic shared by every layer. Imports nothing that does I/O."""
