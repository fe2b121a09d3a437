// A province's flow monitoring page: the dashboard for its FMPs, their map and its alerts.
import { useParams } from 'react-router';
import { DashboardView } from '../DashboardView.tsx';

export default function ProvinceDashboard() {
  const { code = '' } = useParams();
  return <DashboardView key={code} scope={{ kind: 'province', code }} />;
}
