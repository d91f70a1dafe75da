"""Lenient reading: repair what QDA tools really write before the schema sees it.

Producers deviate from the REFI-QDA schema in small, harmless ways: an empty ``<Sets/>``
(Taguette), no ``isCodable`` on codes, ``True`` for ``true``, a date-time with a space, a
colour without its ``#``. Each repair changes the parsed tree in place and returns one warning
per kind of deviation, naming the elements (guid and name); what cannot be repaired is left
for schema validation to refuse. Nothing here touches the file itself.

>>> from lxml import etree
>>> root = etree.fromstring(
...     '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
...     '<Code guid="A182CD3A-D83C-4D8C-BC80-26D9103EC6D6" name="Trust"/></Codes><Sets/>'
...     '</CodeBook>'
... )
>>> for line in repair_tree(root, "codes.qdc"):
...     print(line)
codes.qdc, line 1: empty <Sets> removed (the schema wants at least one item; empty means none)
codes.qdc: isCodable missing on 1 code(s) ('Trust'); taken as true
"""

from __future__ import annotations

import re

from lxml import etree

from scirocco_lab.evaluation.refi_qda.schema import child_elements, local_name

__all__ = ["repair_tree"]

# Containers whose schema type requires at least one child: an empty one means "none".
_CONTAINERS = ("Users", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs")
_DATETIME_ATTRIBUTES = ("creationDateTime", "modifiedDateTime")
_GUID_ATTRIBUTES = ("creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID")
_GUID = re.compile(
    r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$"
)
_XSD_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_RGB = re.compile(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
_SHOWN = 5  # elements named in one warning; the rest are counted


def _label(element: etree._Element) -> str:
    name = element.get("name")
    return repr(name) if name else f"guid {element.get('guid')}"


def _listed(labels: list[str]) -> str:
    shown = ", ".join(labels[:_SHOWN])
    more = len(labels) - _SHOWN
    return shown + (f", and {more} more" if more > 0 else "")


def repair_tree(root: etree._Element, where: str) -> list[str]:
    """Repair ``root`` (a Project or CodeBook) in place; one warning per kind of deviation."""
    warnings: list[str] = []
    found: dict[str, list[str]] = {}

    def note(kind: str, element: etree._Element) -> None:
        found.setdefault(kind, []).append(_label(element))

    for element in list(root.iter(tag=etree.Element)):
        name = local_name(element)
        if name in _CONTAINERS and element.getparent() is root and not len(element):
            warnings.append(
                f"{where}, line {element.sourceline}: empty <{name}> removed (the schema wants "
                "at least one item; empty means none)"
            )
            root.remove(element)
            continue
        if name == "CodeBook" and element is not root:
            codes = element.find(f"{{{etree.QName(root).namespace}}}Codes")
            if codes is not None and not any(True for _ in child_elements(codes)):
                warnings.append(
                    f"{where}, line {element.sourceline}: empty <CodeBook> removed (a codebook "
                    "without codes)"
                )
                root.remove(element)
                continue
        if name == "Code":
            codable = element.get("isCodable")
            if codable is None:
                element.set("isCodable", "true")
                note("isCodable missing on {n} code(s) ({labels}); taken as true", element)
            elif codable not in ("true", "false", "1", "0"):
                fixed = codable.strip().lower()
                element.set("isCodable", "false" if fixed in ("false", "no", "0") else "true")
                note("isCodable not true/false on {n} code(s) ({labels}); read as written", element)
            if not (element.get("name") or "").strip():
                element.set("name", element.get("guid") or "code")
                note("{n} code(s) without a name ({labels}); named by their guid", element)
        if name == "Set" and element.get("name") is None:
            element.set("name", element.get("guid") or "set")
            note("{n} set(s) without a name ({labels}); named by their guid", element)
        for attribute in _DATETIME_ATTRIBUTES:
            value = element.get(attribute)
            if value is None or _XSD_DATETIME.match(value.strip()):
                continue
            fixed = value.strip().replace(" ", "T", 1)
            if _XSD_DATETIME.match(fixed):
                element.set(attribute, fixed)
                note(f"{attribute} with a space for 'T' on {{n}} element(s) ({{labels}})", element)
            else:
                del element.attrib[attribute]
                note(
                    f"{attribute} not a date-time on {{n}} element(s) ({{labels}}); left out",
                    element,
                )
        for attribute in _GUID_ATTRIBUTES:
            value = element.get(attribute)
            if value is not None and not _GUID.match(value.strip()):
                del element.attrib[attribute]
                note(f"{attribute} not a guid on {{n}} element(s) ({{labels}}); left out", element)
        colour = element.get("color")
        if colour is not None and not _RGB.match(colour.strip()):
            fixed = "#" + colour.strip().lstrip("#")
            if _RGB.match(fixed):
                element.set("color", fixed)
                note("colour without '#' on {n} element(s) ({labels}); '#' added", element)
            else:
                del element.attrib["color"]
                note("colour not #RRGGBB on {n} element(s) ({labels}); left out", element)
    warnings.extend(
        f"{where}: " + kind.format(n=len(labels), labels=_listed(labels))
        for kind, labels in found.items()
    )
    return warnings
