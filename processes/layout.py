"""Add a diagram (BPMN DI) to a process model that has none, so bpmn-js can draw it.

A layered left-to-right layout: each flow node's column is its longest distance from a start event (back edges
of loops ignored), lanes become horizontal bands inside one pool, nodes of the same lane and column stack
vertically, boundary events sit on their host's lower edge, and sequence flows get orthogonal waypoints.

Usage: ``python -m processes.layout path/to/model.bpmn [...]`` rewrites each file in place when it has no DI.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}

COL_W, ROW_H, LANE_PAD, LEFT = 170, 120, 40, 80
SKIP = {"sequenceFlow", "laneSet", "lane", "extensionElements", "documentation", "dataObject",
        "dataObjectReference", "textAnnotation", "association", "ioSpecification", "property"}


def _local(tag: str) -> str:
    return etree.QName(tag).localname


def _size(kind: str) -> tuple[int, int]:
    if kind.endswith("Event"):
        return 36, 36
    if kind.endswith("Gateway"):
        return 50, 50
    return 110, 80


def _ranks(nodes: list[str], edges: list[tuple[str, str]], starts: list[str]) -> dict[str, int]:
    succ: dict[str, list[str]] = defaultdict(list)
    for s, t in edges:
        succ[s].append(t)
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}

    def dfs(n: str) -> None:
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1:
                back.add((n, m))
            elif m not in state:
                dfs(m)
        state[n] = 2

    for s in starts + nodes:
        if s not in state:
            dfs(s)
    rank = dict.fromkeys(nodes, 0)
    forward = [(s, t) for s, t in edges if (s, t) not in back]
    for _ in range(len(nodes)):
        changed = False
        for s, t in forward:
            if rank.get(t, 0) < rank.get(s, 0) + 1:
                rank[t] = rank[s] + 1
                changed = True
        if not changed:
            break
    return rank


def add_di(tree: etree._ElementTree) -> bool:
    root = tree.getroot()
    if root.find("bpmndi:BPMNDiagram", NS) is not None:
        return False
    process = root.find("bpmn:process", NS)
    if process is None:
        raise ValueError("no <bpmn:process> in the model")
    elems = {e.get("id"): _local(e.tag) for e in process if isinstance(e.tag, str) and _local(e.tag) not in SKIP}
    boundary = {e.get("id"): e.get("attachedToRef") for e in process.findall("bpmn:boundaryEvent", NS)}
    flows = [(f.get("id"), f.get("sourceRef"), f.get("targetRef")) for f in process.findall("bpmn:sequenceFlow", NS)]
    main = [n for n in elems if n not in boundary]
    edges = [(boundary.get(s, s), t) for _, s, t in flows]
    rank = _ranks(main, edges, [n for n, k in elems.items() if k == "startEvent"])

    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    lane_of = {ref.text: lane.get("id") for lane in lanes for ref in lane.findall("bpmn:flowNodeRef", NS)}
    lane_ids = [lane.get("id") for lane in lanes] or [None]
    slots: dict[tuple[str | None, int], int] = defaultdict(int)
    row_in_lane: dict[str, int] = {}
    for n in sorted(main, key=lambda n: (rank[n], n)):
        key = (lane_of.get(n), rank[n])
        row_in_lane[n] = slots[key]
        slots[key] += 1
    lane_rows = {lid: max([slots[(lid, r)] for r in set(rank.values())] + [1]) for lid in lane_ids}
    lane_top: dict[str | None, int] = {}
    y = 40
    for lid in lane_ids:
        lane_top[lid] = y
        y += lane_rows[lid] * ROW_H + LANE_PAD
    width = LEFT + (max(rank.values(), default=0) + 1) * COL_W + 40

    bounds: dict[str, tuple[float, float, int, int]] = {}
    for n in main:
        w, h = _size(elems[n])
        cx = LEFT + rank[n] * COL_W + 55
        cy = lane_top[lane_of.get(n)] + LANE_PAD // 2 + row_in_lane[n] * ROW_H + 40
        bounds[n] = (cx - w / 2, cy - h / 2, w, h)
    for b, host in boundary.items():
        hx, hy, hw, hh = bounds[host]
        bounds[b] = (hx + hw - 30, hy + hh - 18, 36, 36)

    for prefix, uri in (("bpmndi", BPMNDI), ("dc", DC), ("di", DI)):
        if prefix not in root.nsmap:
            new_root = etree.Element(root.tag, nsmap={**root.nsmap, prefix: uri}, attrib=root.attrib)
            new_root.extend(list(root))
            new_root.text = root.text
            tree._setroot(new_root)
            root = new_root
    process = root.find("bpmn:process", NS)
    plane_owner = process.get("id")
    if lanes:
        collab = root.find("bpmn:collaboration", NS)
        if collab is None:
            collab = etree.Element(f"{{{BPMN}}}collaboration", id=f"Collaboration_{plane_owner}")
            etree.SubElement(collab, f"{{{BPMN}}}participant", id=f"Participant_{plane_owner}",
                             name=process.get("name") or plane_owner, processRef=plane_owner)
            root.insert(list(root).index(process), collab)
        plane_owner = collab.get("id")
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"Diagram_{process.get('id')}")
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"Plane_{process.get('id')}", bpmnElement=plane_owner)

    def shape(element_id: str, x: float, y_: float, w: float, h: float, **attrs: str) -> None:
        s = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{element_id}_di", bpmnElement=element_id, **attrs)
        etree.SubElement(s, f"{{{DC}}}Bounds", x=str(int(x)), y=str(int(y_)), width=str(int(w)), height=str(int(h)))

    if lanes:
        total = y - 40
        shape(f"Participant_{process.get('id')}", 10, 30, width + 30, total, isHorizontal="true")
        for lid in lane_ids:
            assert lid is not None
            shape(lid, 40, lane_top[lid] - 10, width, lane_rows[lid] * ROW_H + LANE_PAD, isHorizontal="true")
    for n, (x, y_, w, h) in bounds.items():
        attrs = {"isMarkerVisible": "true"} if elems[n] == "exclusiveGateway" else {}
        shape(n, x, y_, w, h, **attrs)
    for fid, s, t in flows:
        sx, sy, sw, sh = bounds[s]
        tx, ty, tw, th = bounds[t]
        edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{fid}_di", bpmnElement=fid)
        start = (sx + sw, sy + sh / 2) if s not in boundary else (sx + sw / 2, sy + sh)
        end = (tx, ty + th / 2)
        if end[0] <= start[0]:  # a loop back: go below, then left
            low = max(sy + sh, ty + th) + 30
            points = [start, (start[0] + 20, start[1]), (start[0] + 20, low), (end[0] - 20, low), (end[0] - 20, end[1]), end]
        else:
            mid = (start[0] + end[0]) / 2
            points = [start, (mid, start[1]), (mid, end[1]), end]
        for px, py in points:
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(int(px)), y=str(int(py)))
    return True


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        tree = etree.parse(str(path))
        if add_di(tree):
            tree.write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
            print(f"{path}: diagram added")
        else:
            print(f"{path}: already has a diagram")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
