// A clip for the slides: the chosen chart panels, side by side, recorded while the network trains
// (canvas.captureStream + MediaRecorder, WebM) and offered as a download. A recording shows a
// visible indicator and stops on Pause or after the chosen length.

const TYPES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];
const FPS = 30;
const MAX_WIDTH = 1920;

/** Why this browser cannot record (a string-table key), or null when it can. */
export function recordingUnsupported() {
  if (typeof MediaRecorder !== 'function') return 'record.no_mediarecorder';
  if (typeof HTMLCanvasElement.prototype.captureStream !== 'function') return 'record.no_capture';
  if (!TYPES.some((t) => MediaRecorder.isTypeSupported(t))) return 'record.no_webm';
  return null;
}

export function createRecorder({ onTick = () => {}, onDone = () => {} } = {}) {
  let rec = null;
  let sources = [];
  let canvas = null;
  let t0 = 0;
  let seconds = 0;
  let timer = null;
  let chunks = [];

  // All panels in one frame: a grid of equal cells, at most MAX_WIDTH wide.
  function compose() {
    const ctx = canvas.getContext('2d');
    const cols = Math.ceil(Math.sqrt(sources.length));
    const cw = canvas.width / cols;
    const ch = canvas.height / Math.ceil(sources.length / cols);
    ctx.fillStyle = getComputedStyle(document.body).backgroundColor || '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    sources.forEach((c, k) => {
      if (c.width > 0 && c.height > 0) ctx.drawImage(c, (k % cols) * cw, Math.floor(k / cols) * ch, cw, ch);
    });
  }

  function stop() {
    if (!rec) return;
    clearTimeout(timer);
    if (rec.state !== 'inactive') rec.stop();
  }

  return {
    /** Record `panels` (canvases) for `length` seconds; `name` is the file's name. */
    start(panels, length, name) {
      if (rec) return;
      sources = panels;
      seconds = length;
      const cols = Math.ceil(Math.sqrt(panels.length));
      const rows = Math.ceil(panels.length / cols);
      const w = Math.max(...panels.map((c) => c.width));
      const h = Math.max(...panels.map((c) => c.height));
      const scale = Math.min(1, MAX_WIDTH / (cols * w));
      canvas = document.createElement('canvas');
      // Even sizes: video encoders want them.
      canvas.width = 2 * Math.round((cols * w * scale) / 2);
      canvas.height = 2 * Math.round((rows * h * scale) / 2);
      compose();
      const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
      rec = new MediaRecorder(canvas.captureStream(FPS), { mimeType, videoBitsPerSecond: 4e6 });
      chunks = [];
      rec.ondataavailable = (e) => { if (e.data.size > 0) chunks.push(e.data); };
      rec.onstop = () => {
        const blob = new Blob(chunks, { type: 'video/webm' });
        rec = null;
        onDone(blob, name);
      };
      rec.start(1000);
      t0 = performance.now();
      timer = setTimeout(stop, length * 1000);
    },
    stop,
    active: () => rec !== null,
    /** Each animation frame: copy the panels and update the indicator. */
    frame(now) {
      if (!rec) return;
      compose();
      onTick(Math.min(seconds, (now - t0) / 1000), seconds);
    },
  };
}
