#!/usr/bin/env bash
# Makes data/fonts/CitygridSansSC-Regular.otf, the font grid-maps bundles for map text: the
# Simplified Chinese face of Noto Sans CJK (Debian's fonts-noto-cjk), cut down to the characters
# a Chinese city's maps need (see data/fonts/README.md for the list and the licence).
#
# Idempotent: the same inputs give the same bytes (timestamps are not recalculated), so a rerun
# leaves the committed file unchanged. Needs apt-get (Debian's archive) and python3 with venv;
# fontTools is installed into its own venv outside the repository.
#
#   scripts/make-font-subset.sh            # writes data/fonts/CitygridSansSC-Regular.otf
#   FONT_VENV=/somewhere scripts/make-font-subset.sh
set -euo pipefail
cd "$(dirname "$0")/.."

deb_version="1:20220127+repack1-1"    # Debian bookworm's fonts-noto-cjk
fonttools_version="4.68.0"
venv="${FONT_VENV:-/tmp/citygrid-fontvenv}"
out="data/fonts/CitygridSansSC-Regular.otf"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import fontTools, sys; sys.exit(fontTools.version != '$fonttools_version')" 2>/dev/null; then
  "$venv/bin/pip" install --quiet "fonttools==$fonttools_version"
fi

# apt-get download writes into the current directory; the _apt user may not be able to write
# into a mktemp directory, which only makes apt warn.
(cd "$work" && apt-get download "fonts-noto-cjk=$deb_version" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
deb="$(ls "$work"/fonts-noto-cjk_*.deb)"
dpkg-deb -x "$deb" "$work/x"
ttc="$work/x/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

mkdir -p data/fonts
"$venv/bin/python" - "$ttc" "$out" <<'PY'
import sys
from fontTools.ttLib import TTFont
from fontTools import subset

ttc, out = sys.argv[1], sys.argv[2]

# Face 2 of NotoSansCJK-Regular.ttc is "Noto Sans CJK SC" (checked below against the name table).
SC_FACE = 2
font = TTFont(ttc, fontNumber=SC_FACE, recalcTimestamp=False)
family = font["name"].getDebugName(1)
if family != "Noto Sans CJK SC":
    sys.exit(f"face {SC_FACE} of {ttc} is {family!r}, not 'Noto Sans CJK SC'")

chars = set()
ranges = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (°, ², ·, ×, ±, …)
    (0x2000, 0x206F),  # general punctuation (—, ‘’, “”, …, ‰)
    (0x2100, 0x214F),  # letterlike symbols (℃, №)
    (0x2190, 0x21FF),  # arrows (→, ↑)
    (0x2200, 0x22FF),  # mathematical operators (≥, ≤, ≈, ≠)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x25A0, 0x25FF),  # geometric shapes (■, ▲, ●)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。《》【】)
    (0x3380, 0x33FF),  # CJK compatibility: ㎡, ㎞, ㎏
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms (，：（）％)
]
for lo, hi in ranges:
    chars.update(range(lo, hi + 1))

# GB 2312: the symbol rows 0xA1–0xA9 and the 6,763 hanzi in rows 0xB0–0xF7.
for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
    for lo in range(0xA1, 0xFF):
        try:
            chars.update(ord(c) for c in bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass

options = subset.Options()
options.layout_features = []          # grid-maps does no shaping: cmap + advances only
options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG"]
options.hinting = False               # anti-aliased rendering at map sizes needs no hints
options.name_IDs = ["*"]
options.name_languages = ["*"]
options.notdef_outline = True         # missing characters draw as the .notdef box
options.recalc_timestamp = False
options.recalc_bounds = True
subsetter = subset.Subsetter(options)
subsetter.populate(unicodes=sorted(chars))
subsetter.subset(font)

# A modified version gets its own name, so it is not mistaken for the full Noto Sans CJK SC.
# The font declares no Reserved Font Name (name ID 0 below); see data/fonts/README.md.
NEW_FAMILY = "Citygrid Sans SC"
NEW_PS = "CitygridSansSC-Regular"
name = font["name"]
for rec in list(name.names):
    nid = rec.nameID
    if nid in (1, 4, 16):
        name.setName(NEW_FAMILY, nid, rec.platformID, rec.platEncID, rec.langID)
    elif nid == 3:
        name.setName(f"2.004;{NEW_PS};subset of NotoSansCJKsc-Regular",
                     nid, rec.platformID, rec.platEncID, rec.langID)
    elif nid == 6:
        name.setName(NEW_PS, nid, rec.platformID, rec.platEncID, rec.langID)
    elif nid == 17:
        name.setName("Regular", nid, rec.platformID, rec.platEncID, rec.langID)
# Localised family names (Japanese, Chinese, Korean "源ノ角ゴシック"-style names) go: they name
# the original.
name.names = [r for r in name.names if not (r.nameID in (1, 4, 16) and r.langID not in (0, 0x409))]
cff = font["CFF "].cff
cff.fontNames = [NEW_PS]
top = cff.topDictIndex[0]
for key in ("FullName", "FamilyName"):
    if hasattr(top, key):
        setattr(top, key, NEW_FAMILY)

font.save(out)
print(f"{out}: {len(chars)} characters requested, {len(font.getGlyphOrder())} glyphs")
PY
ls -l "$out"
sha256sum "$out"
