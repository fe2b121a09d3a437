// The box a map is drawn in, with the message shown instead when the browser cannot draw it.
import type { RefObject } from 'react';

export function MapFrame({ container, failed, className, testId, label, noWebgl }: { container: RefObject<HTMLDivElement | null>; failed: string | null; className?: string; testId: string; label: string; noWebgl: string }) {
  return (
    <div className={className ? `map-frame ${className}` : 'map-frame'}>
      <div ref={container} className="map" data-testid={testId} role="region" aria-label={label} />
      {failed && (
        <div className="map-failed" role="alert">
          <p>{noWebgl}</p>
          <p className="muted small" dir="ltr">
            {failed}
          </p>
        </div>
      )}
    </div>
  );
}
