import { settingsPanels } from '../settings-panels';

export function Settings() {
  return (
    <section className="view" aria-labelledby="settings-title">
      <header className="view-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      {settingsPanels.map((panel) => (
        <section key={panel.id} className="panel" aria-labelledby={`settings-${panel.id}`}>
          <h2 id={`settings-${panel.id}`}>{panel.title}</h2>
          <panel.Component />
        </section>
      ))}
    </section>
  );
}
