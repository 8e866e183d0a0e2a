// The page's training worker: the loop of trainer-loop.js with its own instance of the engine.
import init, { App } from './pkg/adsdl.js';
import { trainingLoop } from './trainer-loop.js';

// An engine that cannot start here (its wasm fails to load or compile) is said to the page,
// which then trains on its own thread: a rejected promise alone would reach no one.
const ready = init().then(
  () => true,
  (e) => {
    postMessage({ type: 'failed', message: String((e && e.message) || e) });
    return false;
  },
);
const handle = trainingLoop(App, (m) => postMessage(m));
self.onmessage = async (e) => {
  if (await ready) handle(e.data);
};
