// The page's training worker: the loop of trainer-loop.js with its own instance of the engine.
import init, { App } from './pkg/adsdl.js';
import { trainingLoop } from './trainer-loop.js';

const ready = init();
const handle = trainingLoop(App, (m) => postMessage(m));
self.onmessage = async (e) => {
  await ready;
  handle(e.data);
};
