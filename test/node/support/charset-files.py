"""Writes copies of a small CT with names in several Specific Character Sets.

Usage: charset-files.py <source.dcm> <out-dir>
pydicom encodes each name in the set named (escape sequences included for the
ISO 2022 sets), then reads the file back; what it decodes is printed as JSON,
one entry per file, for the test to compare with Segmark's own decoding.
"""
import json
import sys

import pydicom

CASES = [
    ("utf8", ["ISO_IR 192"], "王^小明=Müller", "肝脏 CT 平扫"),
    ("gb18030", ["GB18030"], "张^三丰", "腰椎间盘"),
    ("latin1", ["ISO_IR 100"], "Müller^Jörg", "Lendenwirbelsäule"),
    ("cyrillic", ["ISO_IR 144"], "Люкceмбypг", "Позвоночник"),
    ("iso2022-jis", ["", "ISO 2022 IR 87"], "Yamada^Tarou=山田^太郎=やまだ^たろう", "腰椎"),
    ("iso2022-korean", ["", "ISO 2022 IR 149"], "Hong^Gildong=洪^吉洞=홍^길동", "요추"),
]

source, out = sys.argv[1], sys.argv[2]
result = []
for name, charset, patient, description in CASES:
    ds = pydicom.dcmread(source)
    ds.SpecificCharacterSet = charset if len(charset) > 1 else charset[0]
    ds.PatientName = patient
    ds.StudyDescription = description
    path = f"{out}/{name}.dcm"
    ds.save_as(path)
    back = pydicom.dcmread(path)
    raw = back.get_item("PatientName").value
    result.append({
        "file": path,
        "case": name,
        "patientName": str(back.PatientName),
        "studyDescription": str(back.StudyDescription),
        "rawIsNotAscii": any(b >= 0x80 or b == 0x1B for b in (raw if isinstance(raw, bytes) else b"")),
    })
# pydicom 2.3 writes GB2312 without its escape sequence, so this case is
# written as raw bytes: the example of PS3.5 Annex K.2, "Wang^XiaoDong=王^小东=".
ds = pydicom.dcmread(source)
ds.SpecificCharacterSet = ["", "ISO 2022 IR 58"]
ds.add_new(0x00100010, "PN", b"Wang^XiaoDong=\x1b$)A\xcd\xf5^\x1b$)A\xd0\xa1\xb6\xab=")
path = f"{out}/iso2022-gb2312.dcm"
ds.save_as(path)
result.append({"file": path, "case": "iso2022-gb2312", "patientName": "Wang^XiaoDong=王^小东=", "studyDescription": str(ds.StudyDescription), "rawIsNotAscii": True})
print(json.dumps(result, ensure_ascii=False))
