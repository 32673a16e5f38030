import { settingsPanels } from '../settings-panels';

export function Settings() {
  return (
    <div className="stack">
      {settingsPanels.map((panel) => (
        <section key={panel.id} className="panel" aria-label={panel.title}>
          <h2>{panel.title}</h2>
          <panel.Component />
        </section>
      ))}
    </div>
  );
}
