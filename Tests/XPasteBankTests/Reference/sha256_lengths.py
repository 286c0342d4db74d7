"""Prints `length hexdigest` for hashlib.sha256 of the byte pattern (i % 251) at the lengths given
on the command line: the reference the bank's own SHA-256 is checked against."""
import hashlib
import sys

for arg in sys.argv[1:]:
    n = int(arg)
    data = bytes(i % 251 for i in range(n))
    print(n, hashlib.sha256(data).hexdigest())
