// The EXERCISE mark: on every screen of a simulation exercise, so nothing in it is taken for a real event.
import { useT } from '../../app/useT.ts';

export function ExerciseMark() {
  const { t } = useT();
  return (
    <div className="ex-mark" role="note" data-testid="exercise-mark">
      {t('exercises.mark')}
    </div>
  );
}
