// An FMP's page: the dashboard for that point, its alerts, its capacity and surge thresholds.
import { useParams } from 'react-router';
import { DashboardView } from '../DashboardView.tsx';

export default function FmpDashboard() {
  const { code = '' } = useParams();
  return <DashboardView key={code} scope={{ kind: 'fmp', code }} />;
}
