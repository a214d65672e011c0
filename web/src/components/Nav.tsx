import { useLocation } from 'preact-iso';
import type { Role } from './role.ts';

export const PAGES: [string, string][] = [
  ['/', 'Live'],
  ['/timetable', 'Timetable'],
  ['/review', 'Review queue'],
  ['/fleet', 'Halls and gateways'],
  ['/students', 'Students'],
  ['/courses', 'Courses'],
  ['/at-risk', 'At risk'],
  ['/reports', 'Reports'],
  ['/simulation', 'Simulation'],
  ['/settings', 'Settings'],
];

export function Nav(props: { role: Role }) {
  const { path } = useLocation();
  const current = (href: string) =>
    href === '/' ? path === '/' || path.startsWith('/sessions') : path.startsWith(href);
  return (
    <nav class="nav" aria-label="Pages">
      <strong class="brand">hallgate</strong>
      <ul>
        {PAGES.map(([href, name]) => (
          <li key={href}>
            <a href={href} aria-current={current(href) ? 'page' : undefined}>
              {name}
            </a>
          </li>
        ))}
      </ul>
      <span class="role" data-role={props.role}>
        {props.role === 'admin' ? 'admin' : 'viewer (read only)'}
      </span>
    </nav>
  );
}
