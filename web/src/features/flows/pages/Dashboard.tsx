// The flow monitoring dashboard (see DashboardView.tsx): all FMPs the user may see.
import { DashboardView } from '../DashboardView.tsx';

export default function Dashboard() {
  return <DashboardView />;
}
