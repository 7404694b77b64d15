// Calls the API with the key held in this tab's session storage; refusals become errors carrying the problem's detail.
export const key = () => sessionStorage.getItem('nae.key');

export class ApiError extends Error { constructor(status, detail) { super(detail); this.status = status; } }

export async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { Authorization: `Bearer ${key()}`, Accept: 'application/json', ...(options.headers ?? {}) } });
  if (!response.ok) {
    let detail = response.statusText;
    try { const problem = await response.json(); detail = problem.detail ?? problem.title ?? detail; } catch { /* not JSON */ }
    throw new ApiError(response.status, `${response.status} ${detail}`);
  }
  return options.raw ? response : response.json();
}

/** Every item of a paged list. */
export async function all(path) {
  const items = [];
  let after = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api(`${path}${separator}limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...page.items);
    after = page.nextCursor;
  } while (after);
  return items;
}

