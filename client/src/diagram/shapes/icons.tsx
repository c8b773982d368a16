/** Line icons (24×24, stroked) named by the template's element kinds. Unknown names get a dot. */
const PATHS: Record<string, string> = {
  townhall: 'M2 10l10-6 10 6zM5 10v9M9.5 10v9M14.5 10v9M19 10v9M3 21h18',
  library: 'M4 4h4v16H4zM10 4h4v16h-4zM16 5.5l3-1 3.2 14.5-3 1z',
  hospital: 'M4 3h16v18H4zM12 7v8M8 11h8',
  health: 'M12 20s-8-4.8-8-10.5A4.2 4.2 0 0 1 12 7.6a4.2 4.2 0 0 1 8 1.9C20 15.2 12 20 12 20zM12 10v5M9.5 12.5h5',
  poetry: 'M5 20c4.5-1 9-5.5 12.5-14L21 4.5 19.5 8C16 13 11 16.5 6 20.5zM5 20l6-6',
  parish: 'M12 2v5M9.5 4.5h5M5 21v-9l7-5 7 5v9zM10 21v-5h4v5',
  school: 'M2 9l10-5 10 5-10 5zM6 11v5c3 3 9 3 12 0v-5M22 9v6',
  public: 'M3 21h18M4 9h16L12 3zM6 9v10M10 9v10M14 9v10M18 9v10',
  organisation: 'M7 5a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM17 5a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM2 20c0-4 2.5-6 5-6s5 2 5 6M12 20c0-4 2.5-6 5-6s5 2 5 6',
  representation: 'M5 21V4M5 4h12l-2 4 2 4H5',
  group:
    'M12 3a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zM5 8a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zM19 8a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zM8 20c0-3.5 1.8-6 4-6s4 2.5 4 6M1.5 20c0-3 1.5-5 3.5-5M22.5 20c0-3-1.5-5-3.5-5',
  person: 'M12 4a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM4 21c0-4.5 3.6-7 8-7s8 2.5 8 7',
  people: 'M9 4a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7zM2 20c0-4 3-6 7-6s7 2 7 6M16 4.5a3 3 0 0 1 0 6M18 14c2.5.5 4 2.5 4 6',
  governance: 'M12 2.5l2.6 5.6 6 .6-4.5 4 1.3 6L12 15.7 6.6 18.7l1.3-6-4.5-4 6-.6z',
  service: 'M12 8a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9 7 7M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1',
  space: 'M3 11l9-7 9 7v10H3zM9 21v-6h6v6',
  practice: 'M12 2v5M12 17v5M2 12h5M17 12h5M5 5l3.5 3.5M15.5 15.5 19 19M5 19l3.5-3.5M15.5 8.5 19 5',
  skill: 'M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c1 1 1 2 1 3h6c0-1 0-2 1-3A6 6 0 0 0 12 3z',
  funding: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM15 9c-1-1-5.5-1.8-5.5 1S15 11 15 14s-4 2.5-5.5 1M12 6v2M12 16v2',
  equipment: 'M3 7l9-4 9 4v10l-9 4-9-4zM3 7l9 4 9-4M12 11v10',
  channel: 'M3 10v4h4l8 5V5L7 10zM18 9a3 3 0 0 1 0 6',
  need: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM12 7v6.5M12 16.5v.5',
}

export function iconPath(name: string): string {
  return PATHS[name] ?? 'M12 9a3 3 0 1 1 0 6 3 3 0 0 1 0-6z'
}

export function Icon({ name, size = 20, color = 'currentColor' }: { name: string; size?: number; color?: string }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke={color}
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={iconPath(name)} />
    </svg>
  )
}
