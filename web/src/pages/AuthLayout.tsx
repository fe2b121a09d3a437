// The frame of the sign-in and setup pages: name, language switch, one card.
import type { ReactNode } from 'react';
import { Brand, LanguageSwitch, TodayDate } from '../app/Shell.tsx';

export function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="auth-page">
      <header className="auth-header">
        <Brand />
        <div className="header-tools">
          <TodayDate />
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" className="auth-main">
        <div className="card auth-card">{children}</div>
      </main>
    </div>
  );
}
