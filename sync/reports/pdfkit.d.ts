// The part of pdfkit's API the PDF report uses (pdfkit ships no types and
// @types/pdfkit is not a dependency).
declare module 'pdfkit' {
  import type { EventEmitter } from 'node:events';

  interface PDFDocumentOptions {
    size?: string | [number, number];
    margin?: number;
    compress?: boolean;
    bufferPages?: boolean;
    layout?: 'portrait' | 'landscape';
    autoFirstPage?: boolean;
    info?: { Title?: string; Author?: string; Subject?: string; Creator?: string };
  }

  interface TextOptions {
    width?: number;
    lineBreak?: boolean;
    align?: 'left' | 'center' | 'right' | 'justify';
    ellipsis?: boolean | string;
  }

  class PDFDocument extends EventEmitter {
    constructor(options?: PDFDocumentOptions);
    page: {
      width: number;
      height: number;
      margins: { top: number; bottom: number; left: number; right: number };
    };
    x: number;
    y: number;
    font(name: string): this;
    fontSize(size: number): this;
    fillColor(color: string): this;
    text(text: string, x?: number, y?: number, options?: TextOptions): this;
    text(text: string, options?: TextOptions): this;
    widthOfString(text: string): number;
    heightOfString(text: string, options?: TextOptions): number;
    moveDown(lines?: number): this;
    addPage(): this;
    moveTo(x: number, y: number): this;
    lineTo(x: number, y: number): this;
    lineWidth(w: number): this;
    stroke(): this;
    save(): this;
    restore(): this;
    rotate(angle: number, options?: { origin?: [number, number] }): this;
    rect(x: number, y: number, w: number, h: number): this;
    end(): void;
  }

  export default PDFDocument;
}
