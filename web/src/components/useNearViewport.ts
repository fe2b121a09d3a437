// Heavy parts below the fold (the dashboard's chart and map: ECharts and MapLibre are about
// 170 and 280 KB of gzipped JavaScript) are loaded when they come into view, not with the page.
import { useEffect, useRef, useState } from 'react';

/** A ref for an element, and whether it has come into the viewport (it then stays true). */
export function useNearViewport<T extends Element>() {
  const ref = useRef<T | null>(null);
  const [near, setNear] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const element = ref.current;
    if (near || !element) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setNear(true);
        observer.disconnect();
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [near]);
  return [ref, near] as const;
}
