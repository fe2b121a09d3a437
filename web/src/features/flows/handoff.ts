// A file chosen on the import page, handed to the mapping editor and back (in memory only: a
// browser cannot put a file into another page's file input).
let file: File | null = null;

export function handOff(f: File | null) {
  file = f;
}

export function handedFile(): File | null {
  return file;
}
