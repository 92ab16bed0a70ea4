/**
 * Fuzz tests of S3's little XML reader and of every caller that reads an S3 XML body: arbitrary text and
 * XML-ish documents (random tags, entities valid and not, CDATA, comments, processing instructions, deep
 * nesting, unclosed tags) give a result or a taxonomy error, never another exception; escaped text
 * round-trips; the readers agree with the plain regular expressions they replace; and 200 KB adversarial
 * documents are read in linear time (they complete; the test's timeout is the bound).
 */
import {
  AccelerateError,
  type Backend,
  type ErrorResponse,
  type HttpResponse,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import { fuzzAttemptContext } from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyObject, deleteObjects } from './s3-copy-delete.js';
import { parseS3Error, s3ErrorInBody } from './s3-error.js';
import { parseListPage } from './s3-list.js';
import { completeMultipartUpload, createMultipartUpload } from './s3-multipart.js';
import type { S3Context } from './s3-objects.js';
import { expectRoot, xmlBlocks, xmlEscape, xmlRoot, xmlText, xmlUnescape } from './s3-xml.js';

function expectTaxonomy(error: unknown): void {
  // Anything else fails the property with the very exception, so its counterexample shows what broke.
  if (!AccelerateError.isInstance(error)) throw error;
  expect(typeof error.message).toBe('string');
  if (error.status !== undefined) expect(Number.isInteger(error.status)).toBe(true);
}

function resultOrTyped<T>(fn: () => T, check: (value: T) => void): void {
  let value: T;
  try {
    value = fn();
  } catch (error) {
    expectTaxonomy(error);
    return;
  }
  check(value);
}

/** The regular expressions the readers were first written with: the reference for what they must find. */
const reference = {
  blocks(xml: string, tag: string): string[] {
    const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g');
    return [...xml.matchAll(pattern)].map((m) => m[1] ?? '');
  },
  complete(xml: string, root: string): boolean {
    return new RegExp(`</${root}>\\s*$|<${root}[^>]*/>\\s*$`).test(xml);
  },
};

const TAGS = ['Key', 'Contents', 'Size', 'Error', 'Code', 'Message', 'ListBucketResult', 'K'] as const;

/** XML-ish text: tags of a few names (some close, some not), entities valid and not, and the rest of XML. */
const xmlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(...TAGS).map((t) => `<${t}>`),
      fc.constantFrom(...TAGS).map((t) => `</${t}>`),
      fc.constantFrom(...TAGS).map((t) => `<${t}/>`),
      fc.constantFrom(...TAGS).map((t) => `<${t} a="1">`),
      fc.constantFrom(...TAGS).map((t) => `<${t} a/>`),
      fc.constantFrom(...TAGS).map((t) => `<${t}\n`),
      fc.constantFrom(
        '<KeyCount>',
        '&amp;',
        '&lt;',
        '&gt;',
        '&quot;',
        '&apos;',
        '&#x41;',
        '&#65;',
        '&#x1F600;',
        '&#0;',
        '&#xD800;',
        '&#x110000;',
        '&#99999999999999999999;',
        '&#xffffffffffffffffffff;',
        '&bogus;',
        '&amp',
        '&;',
        '<![CDATA[ <Key>x</Key> ]]>',
        '<!-- <Key>c</Key> -->',
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?pi x?>',
        '<',
        '>',
        '/>',
        '/',
        ' ',
        '\n',
        '\u00a0',
        '\u2028',
        'text',
        'é😀',
      ),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));
const anyText = fc.oneof(xmlish, fc.string({ unit: 'binary', maxLength: 60 }));

describe('s3 xml readers under fuzzing', () => {
  it('xmlUnescape(xmlEscape(text)) is the text, for any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const escaped = xmlEscape(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(xmlUnescape(escaped)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('escaped values round-trip through a document: xmlBlocks and xmlText find each one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 6 }),
        fc.constantFrom('', ' a="1"', '\n'),
        fc.boolean(),
        (values, attributes, declaration) => {
          const body = values.map(
            (v) => `<Contents><Key${attributes}>${xmlEscape(v)}</Key><Size>1</Size></Contents>`,
          );
          const xml = `${declaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}<ListBucketResult>${body.join('')}</ListBucketResult>\n`;
          expect(xmlRoot(xml)).toBe('ListBucketResult');
          expectRoot(xml, 'ListBucketResult', 200);
          const blocks = xmlBlocks(xml, 'Contents');
          expect(blocks.map((b) => xmlText(b, 'Key'))).toEqual(values);
          expect(xmlBlocks(xml, 'Key').map(xmlUnescape)).toEqual(values);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any text: the readers return (or expectRoot throws a ResponseFormatError), never another exception (property)', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...TAGS), (xml, tag) => {
        expect(xmlBlocks(xml, tag).every((b) => typeof b === 'string')).toBe(true);
        const text = xmlText(xml, tag);
        if (text !== undefined) expect(typeof text).toBe('string');
        expect(typeof xmlUnescape(xml)).toBe('string');
        const root = xmlRoot(xml);
        if (root !== undefined) expect(root).toMatch(/^[A-Za-z][\w.-]*$/);
        try {
          expectRoot(xml, tag, 200);
        } catch (error) {
          expect(error).toBeInstanceOf(ResponseFormatError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('xmlBlocks and expectRoot agree with the regular expressions they stand for (property)', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...TAGS), (xml, tag) => {
        expect(xmlBlocks(xml, tag)).toEqual(reference.blocks(xml, tag));
        let complete = true;
        try {
          expectRoot(`<${tag}>${xml}`, tag, 200);
        } catch (error) {
          expect(error).toBeInstanceOf(ResponseFormatError);
          complete = false;
        }
        expect(complete).toBe(reference.complete(`<${tag}>${xml}`, tag));
      }),
      { numRuns: 1000 },
    );
  });

  it('character references: decoded when they name a character, kept as written when they cannot', () => {
    expect(xmlUnescape('&#x41;&#65;&#x1F600;&amp;&lt;&gt;&quot;&apos;')).toBe('AA😀&<>"\'');
    for (const bad of [
      '&#x110000;',
      '&#99999999999999999999;',
      '&#xffffffffffffffffffff;',
      '&#0;',
      '&#xD800;',
      '&bogus;',
    ]) {
      expect(xmlUnescape(`a${bad}b`), bad).toBe(`a${bad}b`);
    }
  });
});

describe('s3 xml readers in linear time', () => {
  const SIZE = 200_000;
  const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length));
  // Each would take seconds to minutes with a backtracking pattern per opening tag; linear reading takes ms.
  const adversarial: Array<[string, string]> = [
    ['opening tags that never close', fill('<Contents>')],
    ['opening tags with attributes and no end', fill('<Contents a')],
    ['opening tags with a space, no `>` at all', fill('<Key ')],
    ['a root that never ends', `<ListBucketResult>${fill('<ListBucketResult')}`],
    ['a self-closing root with endless attributes', `<ListBucketResult${fill(' a="1"')}`],
    ['closing tags of the root followed by text', `<ListBucketResult>${fill('</ListBucketResult> x')}`],
    ['deep nesting', `<ListBucketResult>${fill('<Contents><Key>')}`],
    [
      'entities without their semicolon',
      `<ListBucketResult><Contents><Key>${fill('&#x1234')}</Key></Contents></ListBucketResult>`,
    ],
    ['whitespace that never ends', `<ListBucketResult>${' '.repeat(SIZE)}x`],
  ];

  it('a 200 KB adversarial document is read to the end (the test timeout is the bound)', {
    timeout: 10_000,
  }, () => {
    for (const [what, xml] of adversarial) {
      for (const tag of ['Contents', 'Key', 'CommonPrefixes', 'Prefix', 'Error', 'ListBucketResult']) {
        expect(Array.isArray(xmlBlocks(xml, tag)), what).toBe(true);
      }
      xmlUnescape(xml);
      resultOrTyped(
        () => parseListPage(xml, 200, 'req_1'),
        () => undefined,
      );
      expect(AccelerateError.isInstance(parseS3Error(errorResponse(500, xml)))).toBe(true);
      s3ErrorInBody(xml, 200);
    }
  });
});

// ---- the callers ----

function errorResponse(status: number, bodyText: string): ErrorResponse {
  return { status, headers: {}, bodyText, bodyJson: undefined, providerRequestId: undefined };
}

const listPage = fc
  .record({
    declaration: fc.boolean(),
    encoding: fc.constantFrom('url', 'none', ''),
    contents: fc.array(
      fc.record({
        key: fc.oneof(
          fc.string({ unit: 'binary', maxLength: 12 }),
          fc.constantFrom('%zz', '%E9', 'a+b', '%F0%9F%98%80'),
        ),
        size: fc.oneof(fc.nat().map(String), fc.constantFrom('', '-1', '1e3', '9'.repeat(400), 'x')),
        etag: fc.string({ maxLength: 8 }),
        modified: fc.oneof(fc.constant('2024-05-01T10:00:00.000Z'), fc.string({ maxLength: 8 })),
        omitKey: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
    prefixes: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
    truncated: fc.constantFrom('true', 'false', 'TRUE', ''),
    token: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
    keyCount: fc.option(
      fc.oneof(fc.nat().map(String), fc.constantFrom('', 'x', '-3', '1.5', '9'.repeat(400))),
      {
        nil: undefined,
      },
    ),
  })
  .map((p) => {
    const contents = p.contents
      .map(
        (c) =>
          `<Contents>${c.omitKey ? '' : `<Key>${xmlEscape(c.key)}</Key>`}<Size>${c.size}</Size><ETag>${xmlEscape(c.etag)}</ETag><LastModified>${xmlEscape(c.modified)}</LastModified></Contents>`,
      )
      .join('');
    const prefixes = p.prefixes
      .map((x) => `<CommonPrefixes><Prefix>${xmlEscape(x)}</Prefix></CommonPrefixes>`)
      .join('');
    return `${p.declaration ? '<?xml version="1.0" encoding="UTF-8"?>' : ''}<ListBucketResult><EncodingType>${p.encoding}</EncodingType>${contents}${prefixes}<IsTruncated>${p.truncated}</IsTruncated>${p.token === undefined ? '' : `<NextContinuationToken>${xmlEscape(p.token)}</NextContinuationToken>`}${p.keyCount === undefined ? '' : `<KeyCount>${p.keyCount}</KeyCount>`}</ListBucketResult>`;
  });

const errorXml = fc
  .record({
    code: fc.oneof(
      fc.constantFrom('NoSuchKey', 'SlowDown', 'AccessDenied', 'InternalError', 'toString', ''),
      fc.string(),
    ),
    message: fc.string({ maxLength: 20 }),
    requestId: fc.string({ maxLength: 10 }),
    declaration: fc.boolean(),
  })
  .map(
    (e) =>
      `${e.declaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}<Error><Code>${xmlEscape(e.code)}</Code><Message>${xmlEscape(e.message)}</Message><RequestId>${xmlEscape(e.requestId)}</RequestId></Error>`,
  );

/** A context whose backend hands `text` (with `status`) straight to the operation's own parser. */
function contextAnswering(text: string, status = 200): S3Context {
  const backend = {
    call: async (spec: { parse: (response: HttpResponse, ctx: unknown) => unknown }) =>
      spec.parse(
        {
          status,
          headers: { etag: '"e"' },
          body: { text: async () => text, json: async () => JSON.parse(text), cancel: () => undefined },
        } as unknown as HttpResponse,
        fuzzAttemptContext(),
      ),
  };
  return { backend: backend as unknown as Backend, verifyChecksums: false };
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

describe('s3 xml callers under fuzzing', () => {
  it('parseListPage: a well-formed page or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.oneof(listPage, anyText), (xml) => {
        resultOrTyped(
          () => parseListPage(xml, 200, 'req_1'),
          (page) => {
            for (const object of page.objects) {
              expect(typeof object.key).toBe('string');
              if (object.size !== undefined)
                expect(Number.isSafeInteger(object.size) && object.size >= 0).toBe(true);
              if (object.lastModified !== undefined)
                expect(Number.isNaN(object.lastModified.getTime())).toBe(false);
              if (object.etag !== undefined) expect(typeof object.etag).toBe('string');
            }
            expect(page.commonPrefixes.every((p) => typeof p === 'string')).toBe(true);
            expect(typeof page.isTruncated).toBe('boolean');
            // The listing loop subtracts keyCount from what is left: it must be a count, or paging stops early.
            expect(Number.isSafeInteger(page.keyCount) && page.keyCount >= 0).toBe(true);
            if (page.isTruncated) expect(typeof page.nextContinuationToken).toBe('string');
          },
        );
      }),
      { numRuns: 500 },
    );
  });

  it('parseS3Error and s3ErrorInBody: a taxonomy error for any body and status, never a throw (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(errorXml, anyText),
        fc.oneof(fc.constantFrom(200, 301, 400, 403, 404, 409, 500, 503), fc.integer({ min: 0, max: 999 })),
        fc.option(fc.string(), { nil: undefined }),
        (xml, status, providerRequestId) => {
          const error = parseS3Error({ ...errorResponse(status, xml), providerRequestId });
          expect(AccelerateError.isInstance(error)).toBe(true);
          expectTaxonomy(error);
          const inBody = s3ErrorInBody(xml, status);
          if (inBody !== undefined) expectTaxonomy(inBody);
          else expect(xmlRoot(xml)).not.toBe('Error');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the operations that read XML: a result or a taxonomy error, for any answer (property)', async () => {
    const answer = fc.oneof(
      errorXml,
      anyText,
      fc
        .string({ maxLength: 12 })
        .map(
          (id) =>
            `<InitiateMultipartUploadResult><UploadId>${xmlEscape(id)}</UploadId></InitiateMultipartUploadResult>`,
        ),
      fc
        .string({ maxLength: 12 })
        .map(
          (etag) =>
            `<CompleteMultipartUploadResult><ETag>${xmlEscape(etag)}</ETag></CompleteMultipartUploadResult>`,
        ),
      fc
        .string({ maxLength: 12 })
        .map(
          (t) =>
            `<CopyObjectResult><ETag>"e"</ETag><LastModified>${xmlEscape(t)}</LastModified></CopyObjectResult>`,
        ),
      fc
        .array(fc.string({ maxLength: 8 }), { maxLength: 3 })
        .map(
          (keys) =>
            `<DeleteResult>${keys.map((k) => `<Deleted><Key>${xmlEscape(k)}</Key></Deleted>`).join('')}<Error><Key>x</Key><Code>AccessDenied</Code></Error></DeleteResult>`,
        ),
    );
    await fc.assert(
      fc.asyncProperty(answer, async (xml) => {
        const ctx = contextAnswering(xml);
        const created = await settle(createMultipartUpload(ctx, { bucket: 'bucket', key: 'k' }));
        if (created.error !== undefined) expectTaxonomy(created.error);
        else expect(typeof created.value === 'string' && created.value !== '').toBe(true);
        const completed = await settle(
          completeMultipartUpload(ctx, {
            bucket: 'bucket',
            key: 'k',
            uploadId: 'u',
            parts: [{ partNumber: 1, etag: '"e"' }],
          }),
        );
        if (completed.error !== undefined) expectTaxonomy(completed.error);
        else if (completed.value?.etag !== undefined) expect(typeof completed.value.etag).toBe('string');
        const copied = await settle(
          copyObject(ctx, { bucket: 'bucket', key: 'k', source: { bucket: 'src', key: 's' } }),
        );
        if (copied.error !== undefined) expectTaxonomy(copied.error);
        else if (copied.value?.lastModified !== undefined) {
          expect(Number.isNaN(copied.value.lastModified.getTime())).toBe(false);
        }
        const deleted = await settle(deleteObjects(ctx, { bucket: 'bucket', keys: ['k'] }));
        if (deleted.error !== undefined) expectTaxonomy(deleted.error);
        else {
          expect(deleted.value?.deleted.every((k) => typeof k === 'string')).toBe(true);
          for (const e of deleted.value?.errors ?? []) {
            for (const key of ['key', 'code', 'message'] as const) expect(typeof e[key]).toBe('string');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
