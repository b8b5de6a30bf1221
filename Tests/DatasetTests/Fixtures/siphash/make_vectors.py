"""Reference values for Dataset's SipHash-1-3 (NameCache's keyed hash), from an independent
implementation: the `siphash24` package on PyPI (pip install siphash24==1.9), whose SipHash-2-4
gives the published vector of the SipHash paper (checked below).

Key 00 01 … 0f, messages 00 01 … (n−1) for n = 0 … 63, as the reference implementation's
vectors are made. Run: python3 make_vectors.py > siphash13-vectors.txt
"""
import siphash24

KEY = bytes(range(16))
# The reference implementation's SipHash-2-4 vector for the 15-byte message.
assert int.from_bytes(siphash24.siphash24(bytes(range(15)), key=KEY).digest(), "little") == 0xA129CA6149BE45E5
for n in range(64):
    value = int.from_bytes(siphash24.siphash13(bytes(range(n)), key=KEY).digest(), "little")
    print(n, f"{value:016x}")
