// The dashboard: sign in with an API key (kept in session storage only), then the views the key's role may see.
// Every figure comes from the API the key can call; nothing is computed here that the API does not also say.
import { t, translatePage, setLanguage, currentLanguage, setZone } from './i18n.js';
import { api, key } from './api.js';
import { programme } from './views/programme.js';
import { team } from './views/team.js';
import { plan } from './views/plan.js';
import { finance } from './views/finance.js';

const views = { manager: ['programme', 'team', 'plan', 'finance'], finance: ['programme', 'team', 'plan', 'finance'], team: ['team'], provider: ['programme'] };
let me = null;
let renders = 0;

const $ = id => document.getElementById(id);

function setStatus(text, error = false) { $('status').textContent = text; $('status').className = error ? 'error' : ''; }

const renderers = { programme, team, plan, finance };

async function render() {
  translatePage();
  const signedIn = Boolean(key());
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn;
  $('nav').hidden = !signedIn;
  const view = $('view');
  view.replaceChildren();
  if (!signedIn) { $('who').textContent = ''; view.dataset.rendered = String(++renders); return; }
  try {
    me ??= await api('/api/v1/me');
  } catch (error) {
    sessionStorage.removeItem('nae.key');
    me = null;
    setStatus(t('signIn.bad'), true);
    return render();
  }
  $('who').textContent = `${me.name} · ${t(`role.${me.role}`)}${me.team ? ` · ${me.team}` : ''}`;
  const allowed = views[me.role] ?? [];
  for (const link of document.querySelectorAll('#nav a')) link.hidden = !allowed.includes(link.dataset.view);
  const [, requested, argument] = location.hash.match(/^#\/([a-z]+)(?:\/([a-z0-9-]+))?/) ?? [];
  const name = allowed.includes(requested) ? requested : allowed[0];
  for (const link of document.querySelectorAll('#nav a')) link.toggleAttribute('aria-current', link.dataset.view === name) || link.removeAttribute('aria-current');
  document.querySelector(`#nav a[data-view="${name}"]`)?.setAttribute('aria-current', 'page');
  setStatus(t('loading'));
  view.setAttribute('data-view', name);
  view.setAttribute('aria-busy', 'true');
  try {
    await renderers[name](view, argument, me);
    setStatus('');
  } catch (error) {
    setStatus(`${t('failed')}${error.message}`, true);
  } finally {
    view.setAttribute('aria-busy', 'false');
    view.dataset.rendered = String(++renders); // tests wait for this, then read what was drawn
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  $('sign-in').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem('nae.key', $('key').value.trim());
    $('key').value = '';
    me = null;
    setStatus('');
    render();
  });
  $('sign-out').addEventListener('click', () => { sessionStorage.removeItem('nae.key'); me = null; location.hash = ''; render(); });
  $('language').addEventListener('click', () => { setLanguage(currentLanguage() === 'en' ? 'ko' : 'en'); render(); });
  window.addEventListener('hashchange', render);
  try {
    if (key()) { const stages = await api('/api/v1/stages?limit=1').catch(() => null); setZone(stages?.items?.[0]?.timeZone); }
  } finally { render(); }
});
