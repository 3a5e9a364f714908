/**
 * The new-chat sound: two short notes made with the Web Audio API (no sound file). Browsers
 * only let a page make sound after the person has interacted with it; before that, and
 * wherever audio is unavailable, the chime stays silent without an error.
 */
let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  // Creating a context before any interaction only earns a console warning and silence.
  if (typeof navigator !== 'undefined' && navigator.userActivation && !navigator.userActivation.hasBeenActive) return null;
  try {
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    context = Ctor ? new Ctor() : null;
  } catch {
    context = null;
  }
  return context;
}

/** Called from the first click or key press, so a later chime may play. */
export function unlockAudio() {
  const ctx = audio();
  if (ctx?.state === 'suspended') ctx.resume().catch(() => undefined);
}

function note(ctx: AudioContext, frequency: number, start: number, length: number) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.setValueAtTime(frequency, start);
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.18, start + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
  osc.connect(gain).connect(ctx.destination);
  osc.start(start);
  osc.stop(start + length + 0.02);
}

export function chime() {
  try {
    const ctx = audio();
    if (!ctx) return;
    const play = () => {
      const t = ctx.currentTime + 0.01;
      note(ctx, 880, t, 0.22);
      note(ctx, 1318.5, t + 0.16, 0.32);
    };
    if (ctx.state === 'suspended') ctx.resume().then(play, () => undefined);
    else play();
  } catch {
    // No sound is better than a broken page.
  }
}
