// Saved runs in this browser (localStorage): one per run, keyed by the settings that define it
// (App.run_query: system, seed, data, recipe, …, not the rate, the view or the language), so a
// link to seed 25 never costs the run of seed 24. The MAX_RUNS most recently saved are kept; an
// older one is dropped with a word. A run belongs to the tab that saves it: while that tab is
// alive (it saved within ALIVE_MS) another tab showing the same run does not overwrite it. When
// the browser's quota is reached, other runs are dropped to make room (oldest first) and, if
// that is not enough, saving stops and the caller is told, once.
const INDEX = 'adsdl-runs-v2';
const SLOT = 'adsdl-run-v2:';
// The single slot of earlier builds, taken over once.
const OLD = 'adsdl-session-v1';
export const MAX_RUNS = 4;
const ALIVE_MS = 10000;

const valid = (e) => e && typeof e.run === 'string' && typeof e.saved === 'number';

// localStorage, or (where reading it throws: a sandboxed iframe, storage disabled) a stand-in
// whose every call fails, which each method below meets as "nothing stored".
function browserStorage() {
  try {
    if (globalThis.localStorage) return globalThis.localStorage;
  } catch { /* below */ }
  const no = () => { throw new Error('unavailable'); };
  return { getItem: no, setItem: no, removeItem: no };
}

// This tab's name: kept in sessionStorage, so a reload is the same tab (a fresh one where that
// cannot be read).
function tabName() {
  const fresh = Math.random().toString(36).slice(2);
  try {
    const had = sessionStorage.getItem('adsdl-tab');
    if (had) return had;
    sessionStorage.setItem('adsdl-tab', fresh);
  } catch { /* a fresh name each load */ }
  return fresh;
}

export function createStore({ storage = browserStorage(), tab = tabName(), now = Date.now } = {}) {
  const index = () => {
    try {
      const v = JSON.parse(storage.getItem(INDEX) || '[]');
      return Array.isArray(v) ? v.filter(valid) : [];
    } catch {
      return [];
    }
  };
  // Newest first.
  const writeIndex = (list) => storage.setItem(INDEX, JSON.stringify(list.sort((a, b) => b.saved - a.saved)));
  const drop = (list, run) => {
    storage.removeItem(SLOT + run);
    return list.filter((e) => e.run !== run);
  };
  const ownedElsewhere = (e) => e && e.tab && e.tab !== tab && now() - e.saved < ALIVE_MS;

  return {
    // Runs from before run queries: the old slot becomes a run of its own (`runOf` maps its link
    // to its run query).
    migrate(runOf) {
      let old = null;
      try {
        old = JSON.parse(storage.getItem(OLD) || 'null');
        storage.removeItem(OLD);
      } catch {
        return;
      }
      if (!old || typeof old.session !== 'string' || typeof old.query !== 'string') return;
      try {
        const run = runOf(old.query);
        const list = index().filter((e) => e.run !== run);
        storage.setItem(SLOT + run, old.session);
        list.push({ run, saved: Number(old.saved) || now(), tab: '' });
        writeIndex(list);
      } catch {
        // Nothing to carry over.
      }
    },

    // The saved run `{run, saved, session}` for a run query, or the most recent one for null.
    find(run) {
      const list = index();
      const e = run === null ? list[0] : list.find((x) => x.run === run);
      if (!e) return null;
      let session = null;
      try {
        session = storage.getItem(SLOT + e.run);
      } catch {
        return null;
      }
      return session === null ? null : { run: e.run, saved: e.saved, session };
    },

    // Keep `session` as the run `run`. Answers `{ok: true, dropped: [run queries]}`, or
    // `{ok: false, reason: 'other-tab' | 'full' | 'unavailable', dropped}`.
    save(run, session) {
      let list;
      try {
        list = index();
      } catch {
        return { ok: false, reason: 'unavailable', dropped: [] };
      }
      const dropped = [];
      if (ownedElsewhere(list.find((e) => e.run === run))) return { ok: false, reason: 'other-tab', dropped };
      list = list.filter((e) => e.run !== run);
      // The oldest runs no live tab is saving, first to go.
      const spare = () => list.filter((e) => !ownedElsewhere(e)).sort((a, b) => a.saved - b.saved);
      while (list.length >= MAX_RUNS && spare().length) {
        const old = spare()[0].run;
        list = drop(list, old);
        dropped.push(old);
      }
      for (;;) {
        try {
          storage.setItem(SLOT + run, session);
          writeIndex([...list, { run, saved: now(), tab }]);
          return { ok: true, dropped };
        } catch (e) {
          if (!(e && (e.name === 'QuotaExceededError' || e.code === 22))) return { ok: false, reason: 'unavailable', dropped };
          const victims = spare();
          if (!victims.length) {
            try {
              storage.removeItem(SLOT + run);
              writeIndex([...list]);
            } catch { /* as it was */ }
            return { ok: false, reason: 'full', dropped };
          }
          list = drop(list, victims[0].run);
          dropped.push(victims[0].run);
        }
      }
    },

    // This tab lets go of its run (it is closing): another tab may save it at once.
    release(run) {
      try {
        const list = index();
        const e = list.find((x) => x.run === run && x.tab === tab);
        if (e) {
          e.tab = '';
          writeIndex(list);
        }
      } catch { /* nothing held */ }
    },

    // Forget one run (Start fresh), or every saved run for null (a page that cannot start).
    forget(run) {
      try {
        const list = index();
        for (const e of list) if (run === null || e.run === run) storage.removeItem(SLOT + e.run);
        if (run === null) {
          storage.removeItem(INDEX);
          storage.removeItem(OLD);
        } else {
          writeIndex(list.filter((e) => e.run !== run));
        }
      } catch {
        // Storage disabled: nothing is kept anyway.
      }
    },

    // How many runs are kept (for tests and the console).
    runs: () => index().map((e) => e.run),
  };
}
