import { type DanangGeneratorParams, type Edge, Network, type NetworkNode, type RoadClass, parseWith } from '@greenwave/contracts';
import { Random } from '../random.ts';
import { type LegSpec, buildIntersection } from './intersection-builder.ts';

/** Streets of Da Nang, used to name the generated grid (north-south, then east-west). */
const northSouthNames = [
  'Nguyễn Tất Thành', 'Ông Ích Khiêm', 'Hà Huy Tập', 'Lê Đình Lý', 'Núi Thành', 'Hoàng Diệu', 'Trưng Nữ Vương',
  'Nguyễn Văn Linh', 'Lê Lợi', 'Phan Châu Trinh', 'Trần Phú', 'Bạch Đằng', 'Nguyễn Hữu Thọ', 'Xô Viết Nghệ Tĩnh',
  'Hải Phòng', 'Lý Thái Tổ', 'Điện Biên Phủ', 'Trần Cao Vân', 'Nguyễn Chí Thanh', 'Yên Bái', 'Lê Thanh Nghị',
  'Đống Đa', 'Quang Trung', 'Hùng Vương', 'Ngô Quyền', 'Võ Văn Kiệt', 'Phạm Văn Đồng', 'Lê Văn Hiến', 'Ngũ Hành Sơn',
  'Trần Hưng Đạo', 'Hoàng Sa', 'Võ Nguyên Giáp', 'Lê Quang Đạo', 'Châu Thị Vĩnh Tế', 'An Thượng', 'Mỹ An', 'Hồ Xuân Hương',
  'Nguyễn Văn Thoại', 'Phan Tứ', 'Lê Quý Đôn',
];
const eastWestNames = [
  'Huỳnh Ngọc Huệ', 'Lê Duẩn', 'Phan Đăng Lưu', 'Hàm Nghi', '2 Tháng 9', 'Nguyễn Tri Phương', 'Lê Trọng Tấn',
  'Tôn Đức Thắng', 'Duy Tân', 'Cách Mạng Tháng 8', 'Thái Thị Bôi', 'Trần Văn Ơn', 'Đỗ Quang', 'Lý Tự Trọng',
  'Hùng Vương Tây', 'Kỳ Đồng', 'Nguyễn Hoàng', 'Thanh Thủy', 'Tiểu La', 'Phan Thanh', 'Thái Phiên', 'Ngô Gia Tự',
  'Triệu Nữ Vương', 'Hoàng Văn Thụ', 'Lê Hồng Phong', 'Pasteur', 'Trần Quốc Toản', 'Lý Thường Kiệt', 'Đống Đa Đông',
  'Nguyễn Du', 'Yết Kiêu', 'Hà Bổng', 'Lê Hữu Trác', 'Nguyễn Công Trứ', 'Hồ Nghinh', 'Võ Văn Tần', 'Phan Bội Châu',
  'Chu Văn An', 'Lê Lai', 'Tản Đà',
];

/** The two seed pilots of the city, placed where their streets cross in the generated grid. */
export const PILOTS = {
  nuiThanh: { id: 'nui-thanh--phan-dang-luu', name: 'Núi Thành – Phan Đăng Lưu', northSouth: 'Núi Thành', eastWest: 'Phan Đăng Lưu', control: 'density' },
  haHuyTap: { id: 'ha-huy-tap--huynh-ngoc-hue', name: 'Hà Huy Tập – Huỳnh Ngọc Huệ', northSouth: 'Hà Huy Tập', eastWest: 'Huỳnh Ngọc Huệ', control: 'queue' },
} as const;

interface Street {
  name: string;
  roadClass: RoadClass;
  lanes: number;
  /** 0 two-way; +1 one-way in increasing coordinate (east or north); -1 the other way. */
  oneWay: 0 | 1 | -1;
  speedLimitMps: number;
}

const speedByClass: Record<RoadClass, number> = { arterial: 13.9, collector: 11.1, local: 8.3 };

function makeStreets(count: number, names: readonly string[], params: DanangGeneratorParams, random: Random, forced: Map<number, RoadClass>): Street[] {
  const streets: Street[] = [];
  for (let i = 0; i < count; i++) {
    let roadClass: RoadClass = i % params.arterialEvery === 1 ? 'arterial' : i % 2 === 1 ? 'collector' : 'local';
    roadClass = forced.get(i) ?? roadClass;
    const lanes = roadClass === 'arterial' ? (random.next() < 0.7 ? 3 : 2) : roadClass === 'collector' ? 2 : random.next() < 0.6 ? 1 : 2;
    let oneWay: Street['oneWay'] = 0;
    if (roadClass === 'local' && random.next() < params.oneWayShare * 2.5) oneWay = streets.filter((s) => s.oneWay !== 0).length % 2 === 0 ? 1 : -1;
    const name = names[i % names.length]! + (i >= names.length ? ` ${Math.floor(i / names.length) + 1}` : '');
    streets.push({ name, roadClass, lanes: oneWay !== 0 ? Math.max(lanes, 2) : lanes, oneWay, speedLimitMps: speedByClass[roadClass] });
  }
  return streets;
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * A Da Nang-like city: a distorted grid of `columns` north-south and `rows` east-west streets, every crossing
 * signalised. Arterials (2-3 lanes each way), collectors (2) and local streets (1-2, some one-way), block lengths
 * varying between minBlockM and maxBlockM, and boundary links where traffic enters and leaves.
 */
export function generateDanangCity(params: DanangGeneratorParams, seed: number): Network {
  const random = new Random(seed ^ 0x5eed);
  const nsNames = northSouthNames;
  const ewNames = eastWestNames;
  // pilots' streets: make sure they exist in the grid and have sensible classes
  const forcedNs = new Map<number, RoadClass>();
  const forcedEw = new Map<number, RoadClass>();
  const nuiThanhCol = Math.min(nsNames.indexOf('Núi Thành'), params.columns - 1);
  const haHuyTapCol = Math.min(nsNames.indexOf('Hà Huy Tập'), params.columns - 2);
  const phanDangLuuRow = Math.min(ewNames.indexOf('Phan Đăng Lưu'), params.rows - 1);
  const huynhNgocHueRow = Math.min(ewNames.indexOf('Huỳnh Ngọc Huệ'), params.rows - 2);
  forcedNs.set(nuiThanhCol, 'arterial');
  forcedNs.set(haHuyTapCol, 'collector');
  forcedEw.set(phanDangLuuRow, 'collector');
  forcedEw.set(huynhNgocHueRow, 'collector');
  const columns = makeStreets(params.columns, nsNames, params, random, forcedNs);
  const rows = makeStreets(params.rows, ewNames, params, random, forcedEw);
  const pilotAt = new Map<string, (typeof PILOTS)[keyof typeof PILOTS]>([
    [`${nuiThanhCol},${phanDangLuuRow}`, PILOTS.nuiThanh],
    [`${haHuyTapCol},${huynhNgocHueRow}`, PILOTS.haHuyTap],
  ]);
  columns[nuiThanhCol]!.name = 'Núi Thành';
  columns[haHuyTapCol]!.name = 'Hà Huy Tập';
  rows[phanDangLuuRow]!.name = 'Phan Đăng Lưu';
  rows[huynhNgocHueRow]!.name = 'Huỳnh Ngọc Huệ';

  // street positions: varied block lengths, a little jitter so the grid is not square
  const xs: number[] = [0];
  for (let i = 1; i < params.columns; i++) xs.push(xs[i - 1]! + Math.round(random.range(params.minBlockM, params.maxBlockM)));
  const ys: number[] = [0];
  for (let j = 1; j < params.rows; j++) ys.push(ys[j - 1]! + Math.round(random.range(params.minBlockM, params.maxBlockM)));
  const jitter = () => Math.round(random.range(-12, 12));

  const nodes: NetworkNode[] = [];
  const nodeId: string[][] = [];
  const pos = new Map<string, { x: number; y: number }>();
  for (let i = 0; i < params.columns; i++) {
    nodeId.push([]);
    for (let j = 0; j < params.rows; j++) {
      const pilot = pilotAt.get(`${i},${j}`);
      const id = pilot ? pilot.id : `j-${slug(columns[i]!.name)}--${slug(rows[j]!.name)}`;
      const x = xs[i]! + jitter();
      const y = ys[j]! + jitter();
      nodes.push({ id, kind: 'signalised', xM: x, yM: y, name: pilot ? pilot.name : `${columns[i]!.name} – ${rows[j]!.name}` });
      nodeId[i]!.push(id);
      pos.set(id, { x, y });
    }
  }

  const edges: Edge[] = [];
  const addEdge = (from: string, to: string, street: Street) => {
    const a = pos.get(from)!;
    const b = pos.get(to)!;
    const lengthM = Math.max(20, Math.round(Math.hypot(b.x - a.x, b.y - a.y)));
    const interior = !from.startsWith('b-') && !to.startsWith('b-');
    edges.push({ id: `${from}>${to}`, name: street.name, from, to, lengthM, lanes: street.lanes, speedLimitMps: street.speedLimitMps, roadClass: street.roadClass, zone: interior });
  };
  const link = (a: string, b: string, street: Street, increasing: boolean) => {
    // `increasing`: a -> b runs east or north
    if (street.oneWay === 0 || (street.oneWay === 1) === increasing) addEdge(a, b, street);
    if (street.oneWay === 0 || (street.oneWay === 1) !== increasing) addEdge(b, a, street);
  };
  const boundary = (id: string, x: number, y: number) => {
    nodes.push({ id, kind: 'boundary', xM: x, yM: y });
    pos.set(id, { x, y });
  };
  const L = params.boundaryLinkM;
  for (let i = 0; i < params.columns; i++) {
    for (let j = 0; j + 1 < params.rows; j++) link(nodeId[i]![j]!, nodeId[i]![j + 1]!, columns[i]!, true);
    const south = `b-s-${slug(columns[i]!.name)}`;
    const north = `b-n-${slug(columns[i]!.name)}`;
    const bottom = pos.get(nodeId[i]![0]!)!;
    const top = pos.get(nodeId[i]![params.rows - 1]!)!;
    boundary(south, bottom.x, bottom.y - L);
    boundary(north, top.x, top.y + L);
    link(south, nodeId[i]![0]!, columns[i]!, true);
    link(nodeId[i]![params.rows - 1]!, north, columns[i]!, true);
  }
  for (let j = 0; j < params.rows; j++) {
    for (let i = 0; i + 1 < params.columns; i++) link(nodeId[i]![j]!, nodeId[i + 1]![j]!, rows[j]!, true);
    const west = `b-w-${slug(rows[j]!.name)}`;
    const east = `b-e-${slug(rows[j]!.name)}`;
    const left = pos.get(nodeId[0]![j]!)!;
    const right = pos.get(nodeId[params.columns - 1]![j]!)!;
    boundary(west, left.x - L, left.y);
    boundary(east, right.x + L, right.y);
    link(west, nodeId[0]![j]!, rows[j]!, true);
    link(nodeId[params.columns - 1]![j]!, east, rows[j]!, true);
  }

  const edgeById = new Map(edges.map((e) => [e.id, e]));
  const classRank: Record<RoadClass, number> = { arterial: 0, collector: 1, local: 2 };
  const intersections = [];
  for (let i = 0; i < params.columns; i++) {
    for (let j = 0; j < params.rows; j++) {
      const id = nodeId[i]![j]!;
      const here = pos.get(id)!;
      const neighbours: { dir: string; other: string; street: Street }[] = [
        { dir: 'N', other: j + 1 < params.rows ? nodeId[i]![j + 1]! : `b-n-${slug(columns[i]!.name)}`, street: columns[i]! },
        { dir: 'E', other: i + 1 < params.columns ? nodeId[i + 1]![j]! : `b-e-${slug(rows[j]!.name)}`, street: rows[j]! },
        { dir: 'S', other: j > 0 ? nodeId[i]![j - 1]! : `b-s-${slug(columns[i]!.name)}`, street: columns[i]! },
        { dir: 'W', other: i > 0 ? nodeId[i - 1]![j]! : `b-w-${slug(rows[j]!.name)}`, street: rows[j]! },
      ];
      const legs: LegSpec[] = neighbours.map(({ dir, other, street }) => {
        const there = pos.get(other)!;
        const bearing = ((Math.atan2(there.x - here.x, there.y - here.y) * 180) / Math.PI + 360) % 360;
        const inbound = edgeById.get(`${other}>${id}`);
        const outbound = edgeById.get(`${id}>${other}`);
        return {
          id: dir,
          bearingDeg: Math.round(bearing * 10) / 10 % 360,
          inboundEdgeId: inbound ? inbound.id : null,
          outboundEdgeId: outbound ? outbound.id : null,
          inboundLanes: inbound ? inbound.lanes : 0,
          roadClass: street.roadClass,
        };
      });
      const ns = columns[i]!;
      const ew = rows[j]!;
      const mainIsNs = classRank[ns.roadClass] < classRank[ew.roadClass];
      const major = mainIsNs ? ns : ew;
      const minor = mainIsNs ? ew : ns;
      const bothTwoWay = ns.oneWay === 0 && ew.oneWay === 0;
      const phasing = major.roadClass === 'arterial' && minor.roadClass !== 'local' && bothTwoWay ? 'nema8' : 'two-stage';
      const cycleS = major.roadClass === 'arterial' ? (phasing === 'nema8' ? 120 : 90) : major.roadClass === 'collector' ? 80 : 60;
      const pilot = pilotAt.get(`${i},${j}`);
      intersections.push(
        buildIntersection({
          id,
          name: nodes.find((n) => n.id === id)!.name!,
          legs,
          mainLegs: mainIsNs ? ['S', 'N'] : ['W', 'E'],
          phasing,
          cycleS,
          location: { xM: here.x, yM: here.y },
          ...(pilot ? { control: { kind: pilot.control } } : {}),
        }),
      );
    }
  }
  return parseWith(Network, { name: `danang-${params.columns}x${params.rows}`, nodes, edges, intersections }, 'generated city');
}
