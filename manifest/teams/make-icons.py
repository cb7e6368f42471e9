#!/usr/bin/env python3
"""Draws the Teams app icons for WWPS PolicyBot: our own artwork, a speech bubble with a tick.

  color.png    192x192, full-bleed accent background, white bubble, tick in the accent colour
  outline.png  32x32, white on transparent: the bubble as a 2 px ring and the tick (Teams tints it)

Standard library only (zlib writes the PNG chunks), so it runs anywhere python3 does; the output is
deterministic, so re-running it leaves git clean. Run: python3 manifest/teams/make-icons.py
"""
import math
import os
import struct
import zlib

ACCENT = (0x1E, 0x6B, 0x52)  # must match accentColor in manifest.json
HERE = os.path.dirname(os.path.abspath(__file__))


def sd_round_rect(x, y, x0, y0, x1, y1, r):
    # Signed distance to a rounded rectangle (negative inside), all in units of the icon's width.
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hx, hy = (x1 - x0) / 2 - r, (y1 - y0) / 2 - r
    dx, dy = abs(x - cx) - hx, abs(y - cy) - hy
    outside = math.hypot(max(dx, 0), max(dy, 0))
    return outside + min(max(dx, dy), 0) - r


def sd_segment(x, y, ax, ay, bx, by):
    px, py, vx, vy = x - ax, y - ay, bx - ax, by - ay
    t = max(0.0, min(1.0, (px * vx + py * vy) / (vx * vx + vy * vy)))
    return math.hypot(px - vx * t, py - vy * t)


def sd_triangle(x, y, pts):
    d = min(sd_segment(x, y, *pts[i], *pts[(i + 1) % 3]) for i in range(3))
    signs = []
    for i in range(3):
        (ax, ay), (bx, by) = pts[i], pts[(i + 1) % 3]
        signs.append((bx - ax) * (y - ay) - (by - ay) * (x - ax) > 0)
    return -d if all(signs) or not any(signs) else d


TAIL = ((0.30, 0.62), (0.30, 0.86), (0.52, 0.64))
TICK = ((0.35, 0.44), (0.46, 0.55), (0.66, 0.33))


def bubble(x, y):
    return min(sd_round_rect(x, y, 0.14, 0.16, 0.86, 0.70, 0.14), sd_triangle(x, y, TAIL))


def tick(x, y, half_width):
    return min(sd_segment(x, y, *TICK[0], *TICK[1]), sd_segment(x, y, *TICK[1], *TICK[2])) - half_width


def coverage(size, inside, samples=4):
    # Supersampled coverage of each pixel, for anti-aliased edges without an imaging library.
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            hits = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) / size
                    y = (py + (sy + 0.5) / samples) / size
                    hits += inside(x, y)
            row.append(hits / (samples * samples))
        rows.append(row)
    return rows


def write_png(path, size, pixel):
    raw = bytearray()
    for y in range(size):
        raw.append(0)  # filter: none
        for x in range(size):
            raw.extend(pixel(x, y))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))  # 8-bit RGBA
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def color_icon():
    size = 192
    white = coverage(size, lambda x, y: bubble(x, y) <= 0 and tick(x, y, 0.045) > 0)

    def pixel(x, y):
        a = white[y][x]
        return bytes(round(c + (255 - c) * a) for c in ACCENT) + b"\xff"

    write_png(os.path.join(HERE, "color.png"), size, pixel)


def outline_icon():
    size = 32
    ring = 2 / size  # a 2 px stroke stays visible at 32 px
    white = coverage(size, lambda x, y: -ring <= bubble(x, y) <= 0 or tick(x, y, 1.1 / size) <= 0, samples=8)

    def pixel(x, y):
        return b"\xff\xff\xff" + bytes([round(255 * white[y][x])])

    write_png(os.path.join(HERE, "outline.png"), size, pixel)


if __name__ == "__main__":
    color_icon()
    outline_icon()
