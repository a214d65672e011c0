import { Page } from '../../components/common.tsx';
import { useCanWrite } from '../../components/role.ts';
import { ImportsPanel } from './ImportsPanel.tsx';
import { PublishingPanel } from './PublishingPanel.tsx';
import { ThresholdsPanel } from './ThresholdsPanel.tsx';

export function SettingsPage() {
  const canWrite = useCanWrite();
  return (
    <Page title="Settings">
      <ThresholdsPanel />
      {canWrite && <ImportsPanel />}
      <PublishingPanel />
    </Page>
  );
}
