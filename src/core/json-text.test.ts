import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "./errors.ts";
import { jsonSyntaxError, nonFiniteToken, parseJsonText } from "./json-text.ts";

function message(text: string, nonFinite = false): string {
  try {
    parseJsonText(text, "f.json", { nonFinite });
  } catch (e) {
    assert.ok(e instanceof InputError);
    assert.equal(e.code, "E_INVALID_JSON");
    assert.ok(!/[\u0000-\u001f\u007f]/.test(e.message), `no control characters in ${JSON.stringify(e.message)}`);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

test("valid JSON parses as JSON.parse does; a leading BOM is ignored (RFC 8259 §8.1)", () => {
  assert.deepEqual(parseJsonText('{"a": [1, 2.5, "x"]}', "f"), { a: [1, 2.5, "x"] });
  assert.deepEqual(parseJsonText('\ufeff{"a": 1}', "f"), { a: 1 });
});

test("bare NaN / Infinity become markers only when allowed; strings holding those words are left alone", () => {
  const v = parseJsonText('{"a": [NaN, -Infinity, Infinity], "s": "NaN \\" Infinity"}', "f", { nonFinite: true }) as { a: unknown[]; s: string };
  assert.deepEqual(v.a.map(nonFiniteToken), ["NaN", "-Infinity", "Infinity"]);
  assert.equal(v.s, 'NaN " Infinity');
  assert.match(message("[1, NaN]"), /line 1, column 5: unexpected 'N', expected a value/);
});

test("line and column are right, also on deep nesting (no recursion) and after a BOM", () => {
  assert.match(message('{"nS": 2,\n "nA": }'), /^f\.json: not valid JSON \(line 2, column 8: unexpected '}', expected a value\)$/);
  const deep = "[".repeat(200_000) + "1" + "]".repeat(199_999) + "}";
  assert.match(message(deep), /line 1, column 400001: unexpected '}', expected ',' or ']'/);
  assert.match(message("\ufeff[1,\n2,,]"), /line 2, column 3: unexpected ',', expected a value/);
  assert.equal(jsonSyntaxError("[".repeat(100_000) + "]".repeat(100_000), false), undefined);
});

test("NULs, control characters, invalid bytes and a BOM inside the text are named, never echoed", () => {
  assert.match(message('{"a": 1}\u0000'), /U\+0000 \(NUL\) after the top-level value/);
  assert.match(message('{"a": "x\u0007y"}'), /column 9: U\+0007 \(a control character\) inside a string/);
  assert.match(message('[1, \ufeff2]'), /U\+FEFF \(a byte-order mark\)/);
  assert.match(message(Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x01]).toString("utf8")), /U\+FFFD \(an invalid UTF-8 byte/);
  assert.match(message(""), /unexpected end of input, expected a value/);
  assert.match(message('{"a": "abc'), /missing closing quote/);
  assert.match(message('{"a": "\\x"}'), /invalid escape \\x/);
  assert.match(message("{'a': 1}"), /unexpected ''', expected a string key or '}'/);
});
