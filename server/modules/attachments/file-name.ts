/**
 * A user's file name, cleaned to something safe to keep as metadata: the last path
 * segment only, no control, zero-width or direction-override characters (which can hide
 * a real extension: `invoice\u202Efdp.exe`), at most 255 characters with the extension
 * kept. It is still user input: every place that shows it escapes it.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

export function cleanFileName(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  if (/^\.*$/.test(name)) return 'file';
  if (name.length <= 255) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return name.slice(0, 255 - ext.length) + ext;
}
