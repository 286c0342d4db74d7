"""Reads the CUDA fat binaries inside an ELF shared library (its .nv_fatbin section) and blanks
the device code of every GPU architecture but the ones asked for, keeping every offset and header,
so the library loads as before on those GPUs and compresses to a fraction of its size.

Why: a device machine that takes a bounded transfer cannot receive onnxruntime-gpu's 284 MB CUDA
provider whole; the H100 only ever loads its sm_90 code. The blanked copy is for that transfer
only; deployments install onnxruntime-gpu as usual.

Layout (public reverse engineering of NVIDIA's fatbin format, e.g. ZLUDA's reader): a container
header {u32 magic 0xBA55ED50, u16 version, u16 header_size, u64 entries_size}, then entries
{u16 kind (1 PTX, 2 ELF), u16, u32 header_size, u64 padded_payload_size, u32 payload_size, u32, u32 version, u32 sm_version (offset 28),
offset 36, ...} each followed by its payload.
"""
import struct
import sys

MAGIC = 0xBA55ED50


def section(data, name):
    """(offset, size) of the named section of a 64-bit little-endian ELF file."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    names = header(shstrndx)
    for i in range(shnum):
        h = header(i)
        start = names[4] + h[0]
        end = data.index(b"\0", start)
        if data[start:end].decode() == name:
            return h[4], h[5]
    raise SystemExit(f"no section {name}")


def entries(data, offset, size):
    """Yields (entry_offset, kind, sm, header_size, payload_size) for every entry of every container."""
    pos, end = offset, offset + size
    while pos + 16 <= end:
        magic, version, header_size, files_size = struct.unpack_from("<IHHQ", data, pos)
        if magic != MAGIC:
            pos += 8  # containers are 8-byte aligned; skip padding
            continue
        entry, stop = pos + header_size, pos + header_size + files_size
        while entry < stop:
            kind, _, ehs, padded = struct.unpack_from("<HHIQ", data, entry)
            sm, = struct.unpack_from("<I", data, entry + 28)
            yield entry, kind, sm, ehs, padded
            entry += ehs + padded
        pos = stop


def blank(path, out, keep):
    data = bytearray(open(path, "rb").read())
    offset, size = section(data, ".nv_fatbin")
    kept = blanked = 0
    archs = {}
    for entry, kind, sm, ehs, padded in entries(data, offset, size):
        archs[(kind, sm)] = archs.get((kind, sm), 0) + padded
        if sm in keep:
            kept += padded
        else:
            data[entry + ehs:entry + ehs + padded] = bytes(padded)
            blanked += padded
    with open(out, "wb") as f:
        f.write(data)
    for (kind, sm), n in sorted(archs.items()):
        print(f"  {'ELF' if kind == 2 else 'PTX' if kind == 1 else kind} sm_{sm}: {n / 1e6:.1f} MB")
    print(f"{path}: fatbin {size / 1e6:.1f} MB, kept {kept / 1e6:.1f} MB, blanked {blanked / 1e6:.1f} MB")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit("usage: fatbin.py LIBRARY OUT SM[,SM...]")
    blank(sys.argv[1], sys.argv[2], {int(s) for s in sys.argv[3].split(",")})
