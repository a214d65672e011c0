import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router } from 'preact-iso';
import { api, logOut, token } from './api/client.ts';
import { setSiteZone } from './components/format.ts';
import { Nav } from './components/Nav.tsx';
import { RoleContext, type Role } from './components/role.ts';
import { AtRiskPage } from './pages/atRisk/AtRiskPage.tsx';
import { CoursePage } from './pages/courses/CoursePage.tsx';
import { CoursesPage } from './pages/courses/CoursesPage.tsx';
import { FleetPage } from './pages/fleet/FleetPage.tsx';
import { LivePage } from './pages/live/LivePage.tsx';
import { SessionRegisterPage } from './pages/register/SessionRegisterPage.tsx';
import { ReportsPage } from './pages/reports/ReportsPage.tsx';
import { ReviewPage } from './pages/review/ReviewPage.tsx';
import { SettingsPage } from './pages/settings/SettingsPage.tsx';
import { SimulationPage } from './pages/simulation/SimulationPage.tsx';
import { StudentPage } from './pages/students/StudentPage.tsx';
import { StudentsPage } from './pages/students/StudentsPage.tsx';
import { TimetablePage } from './pages/timetable/TimetablePage.tsx';

function NoToken(props: { message: string }) {
  return (
    <main class="login">
      <h1>hallgate console</h1>
      <p>{props.message}</p>
      <p>
        Open the address the aggregator or <code>hallgate demo</code> printed (it ends in{' '}
        <code>#token=…</code>).
      </p>
    </main>
  );
}

function NotFound() {
  return <p>No such page.</p>;
}

export function App() {
  const [role, setRole] = useState<Role | null>(null);
  const [error, setError] = useState<string | null>(token() ? null : 'You are not signed in.');
  useEffect(() => {
    if (!token()) return;
    // The site's zone first: every page formats days and times in it.
    const signIn = async () => {
      const [r, site] = await Promise.all([api.role(), api.get<{ timeZone: string }>('/site')]);
      setSiteZone(site.timeZone);
      return r;
    };
    signIn().then(setRole, (e: Error) => {
      logOut();
      setError(`Sign-in failed: ${e.message}`);
    });
  }, []);
  if (error) return <NoToken message={error} />;
  if (!role) return <p role="status">Signing in…</p>;
  return (
    <RoleContext.Provider value={role}>
      <LocationProvider>
        <div class="shell">
          <Nav role={role} />
          <main id="main" tabIndex={-1}>
            <Router>
              <Route path="/" component={LivePage} />
              <Route path="/sessions/:id" component={SessionRegisterPage} />
              <Route path="/review" component={ReviewPage} />
              <Route path="/fleet" component={FleetPage} />
              <Route path="/students" component={StudentsPage} />
              <Route path="/students/:id" component={StudentPage} />
              <Route path="/courses" component={CoursesPage} />
              <Route path="/courses/:id" component={CoursePage} />
              <Route path="/at-risk" component={AtRiskPage} />
              <Route path="/reports" component={ReportsPage} />
              <Route path="/timetable" component={TimetablePage} />
              <Route path="/simulation" component={SimulationPage} />
              <Route path="/settings" component={SettingsPage} />
              <Route default component={NotFound} />
            </Router>
          </main>
        </div>
      </LocationProvider>
    </RoleContext.Provider>
  );
}
