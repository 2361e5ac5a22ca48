#!/usr/bin/env python3
"""Draws the Gugus icons into public/icons/ with the standard library only.

The emblem is a cream "G" on the task force's maroon (#7a1f2b). The output is
deterministic (no timestamps in the PNGs), so rerunning it changes nothing unless this
script changes. Run it from anywhere: python3 scripts/make-icons.py
"""

import math
import struct
import zlib
from pathlib import Path

MAROON = (0x7A, 0x1F, 0x2B)
CREAM = (0xFF, 0xF4, 0xE6)
SUPERSAMPLE = 4  # samples per pixel along each axis, for smooth edges

# (file name, size in px, full_bleed). Full-bleed icons fill the square (maskable icons
# and Apple's touch icon, which the platform crops itself); the others are a rounded
# square on a transparent background.
ICONS = [
    ("icon-192.png", 192, False),
    ("icon-512.png", 512, False),
    ("icon-maskable-192.png", 192, True),
    ("icon-maskable-512.png", 512, True),
    ("apple-touch-icon.png", 180, True),
    ("favicon-32.png", 32, False),
]


def in_rounded_square(x, y, radius):
    """Whether (x, y), in units where the square is [-0.5, 0.5]^2, is inside it."""
    inner = 0.5 - radius
    dx = max(abs(x) - inner, 0.0)
    dy = max(abs(y) - inner, 0.0)
    return dx * dx + dy * dy <= radius * radius


def in_emblem(x, y, scale):
    """Whether (x, y) is on the "G"; y grows upwards, the emblem is centred on 0."""
    x, y = x / scale, y / scale
    outer, inner = 0.40, 0.26
    r = math.hypot(x, y)
    angle = math.degrees(math.atan2(y, x))
    ring = inner <= r <= outer and not 0.0 < angle < 50.0
    bar = 0.02 <= x <= outer and -0.07 <= y <= 0.07 and r <= outer
    return ring or bar


def pixel(px, py, size, full_bleed):
    """The RGBA of one pixel, averaged over SUPERSAMPLE^2 samples."""
    # Maskable icons keep the emblem inside the 80 % safe zone.
    scale = 0.62 if full_bleed else 0.70
    bg = fg = 0
    n = SUPERSAMPLE
    for sy in range(n):
        for sx in range(n):
            x = (px + (sx + 0.5) / n) / size - 0.5
            y = 0.5 - (py + (sy + 0.5) / n) / size
            if not (full_bleed or in_rounded_square(x, y, 0.18)):
                continue
            if in_emblem(x, y, scale):
                fg += 1
            else:
                bg += 1
    covered = bg + fg
    if covered == 0:
        return (0, 0, 0, 0)
    rgb = tuple(round((b * bg + f * fg) / covered) for b, f in zip(MAROON, CREAM))
    return rgb + (round(255 * covered / (n * n)),)


def png(size, rows):
    """Encodes RGBA rows as a PNG file's bytes."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rows)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    out = Path(__file__).resolve().parent.parent / "public" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for name, size, full_bleed in ICONS:
        rows = [[pixel(x, y, size, full_bleed) for x in range(size)] for y in range(size)]
        (out / name).write_bytes(png(size, rows))
        print(f"wrote public/icons/{name} ({size}x{size})")


if __name__ == "__main__":
    main()
