// The part of unzipper (a dependency of exceljs) that Marz uses: a zip's central directory.
declare module 'unzipper' {
  interface CentralDirectoryFile {
    path: string;
    type: 'File' | 'Directory';
    compressedSize: number;
    uncompressedSize: number;
  }
  interface CentralDirectory {
    files: CentralDirectoryFile[];
  }
  const unzipper: { Open: { file(path: string): Promise<CentralDirectory> } };
  export default unzipper;
}
