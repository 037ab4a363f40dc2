/**
 * In-process test PKI: a root CA → an intermediate CA → a TLS server certificate for
 * `127.0.0.1`/`localhost`, on ECDSA P-256 (milliseconds, no openssl needed). Used by the test IdP
 * (`startTestIdp`) and by the emulator's optional HTTPS listener. Never use these for anything but
 * tests: the keys live in memory, unprotected.
 *
 * The certificates are DER-encoded here with a few lines of ASN.1 rather than with
 * @peculiar/x509: its 2.x line needs a global `Reflect` metadata polyfill (tsyringe), which a
 * library must not install into its users' processes. Node's `X509Certificate` parses and checks
 * what this writes (see test/emulator/idp.test.ts).
 */
import {
  createHash,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from "node:crypto";
import { isIP } from "node:net";

/** PEM text of a certificate chain and the server key, plus each certificate's SHA-1 fingerprint. */
export interface TestCertificates {
  rootCaPem: string;
  intermediateCaPem: string;
  leafPem: string;
  /** PKCS#8 PEM of the leaf's private key. */
  leafKeyPem: string;
  /** 40 lower-case hex digits, no colons (Alibaba's fingerprint format). */
  rootFingerprint: string;
  intermediateFingerprint: string;
  leafFingerprint: string;
}

/** SHA-1 fingerprint of a PEM certificate, as 40 lower-case hex digits. */
export function sha1Fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint.replace(/:/g, "").toLowerCase();
}

// ---- DER ------------------------------------------------------------------------------------

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else if (n < 0x10000) len = Buffer.from([0x82, n >> 8, n & 0xff]);
  else len = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, "utf8"));
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);

function integer(value: Buffer | number): Buffer {
  let b = typeof value === "number" ? Buffer.from([value]) : value;
  while (b.length > 1 && b[0] === 0 && (b[1] ?? 0) < 0x80) b = b.subarray(1);
  if ((b[0] ?? 0) >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, "").slice(2, 14);
  return tlv(0x17, Buffer.from(`${s}Z`, "ascii"));
}

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));
const name = (cn: string): Buffer => seq(set(seq(oid("2.5.4.3"), utf8(cn))));
const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));

function spki(key: KeyObject): Buffer {
  return key.export({ type: "spki", format: "der" });
}

/** SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2, method 1). */
function keyId(key: KeyObject): Buffer {
  const der = spki(key);
  // SPKI = SEQUENCE { AlgorithmIdentifier, BIT STRING }: for P-256 the point is the last 65 bytes.
  return createHash("sha1")
    .update(der.subarray(der.length - 65))
    .digest();
}

interface CertSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerPublicKey: KeyObject;
  ca: boolean;
  pathLength?: number;
  hosts?: string[];
  notBefore: Date;
  notAfter: Date;
}

function certificate(spec: CertSpec): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const exts: Buffer[] = [
    extension(
      "2.5.29.19",
      true,
      spec.ca ? seq(bool(true), ...(spec.pathLength === undefined ? [] : [integer(spec.pathLength)])) : seq(),
    ),
    // keyUsage: keyCertSign + cRLSign (bits 5, 6) for CAs; digitalSignature (bit 0) for the leaf.
    extension("2.5.29.15", true, spec.ca ? bits(Buffer.from([0x06]), 1) : bits(Buffer.from([0x80]), 7)),
    extension("2.5.29.14", false, octets(keyId(spec.publicKey))),
  ];
  if (spec.subject !== spec.issuer) {
    exts.push(extension("2.5.29.35", false, seq(tlv(0x80, keyId(spec.issuerPublicKey)))));
  }
  if (!spec.ca) {
    exts.push(extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))));
    const names = (spec.hosts ?? []).map((h) => {
      if (isIP(h) === 4) return tlv(0x87, Buffer.from(h.split(".").map(Number)));
      return tlv(0x82, Buffer.from(h, "ascii"));
    });
    exts.push(extension("2.5.29.17", false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    ECDSA_SHA256,
    name(spec.issuer),
    seq(utcTime(spec.notBefore), utcTime(spec.notAfter)),
    name(spec.subject),
    spki(spec.publicKey),
    explicit(3, seq(...exts)),
  );
  const signature = sign("sha256", tbs, spec.signingKey);
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

const ecKeys = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
const DAY_MS = 24 * 60 * 60 * 1000;

/** The root's key pair, kept out of the returned object (and so out of logs and serializations). */
const rootKeys = new WeakMap<TestCertificates, { publicKey: KeyObject; privateKey: KeyObject }>();

/** Options of {@link createTestCertificates} and {@link reissueUnderSameRoot}. */
export interface TestCertificateOptions {
  /** Names in the leaf (IP addresses or DNS names). Default `127.0.0.1`, `localhost`. */
  hosts?: string[];
  /** Goes into the subjects, so two generations are easy to tell apart. */
  label?: string;
  /** Days the root stays valid. Default 3650 (roots are long-lived). */
  rootValidDays?: number;
  /** Days the intermediate stays valid. Default 365. */
  intermediateValidDays?: number;
  /** Days the leaf stays valid. Default 90. */
  leafValidDays?: number;
}

function intermediateAndLeaf(
  root: { publicKey: KeyObject; privateKey: KeyObject },
  rootName: string,
  opts: TestCertificateOptions,
  label: string,
): Pick<TestCertificates, "intermediateCaPem" | "leafPem" | "leafKeyPem"> {
  const hosts = opts.hosts ?? ["127.0.0.1", "localhost"];
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const inter = ecKeys();
  const leaf = ecKeys();
  const interName = `${label} intermediate CA`;
  const intermediateCaPem = certificate({
    subject: interName,
    issuer: rootName,
    publicKey: inter.publicKey,
    signingKey: root.privateKey,
    issuerPublicKey: root.publicKey,
    ca: true,
    pathLength: 0,
    notBefore,
    notAfter: new Date(Date.now() + (opts.intermediateValidDays ?? 365) * DAY_MS),
  });
  const leafPem = certificate({
    subject: hosts[0] ?? "localhost",
    issuer: interName,
    publicKey: leaf.publicKey,
    signingKey: inter.privateKey,
    issuerPublicKey: inter.publicKey,
    ca: false,
    hosts,
    notBefore,
    notAfter: new Date(Date.now() + (opts.leafValidDays ?? 90) * DAY_MS),
  });
  return {
    intermediateCaPem,
    leafPem,
    leafKeyPem: leaf.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  };
}

function withFingerprints(
  c: Pick<TestCertificates, "rootCaPem" | "intermediateCaPem" | "leafPem" | "leafKeyPem">,
): TestCertificates {
  return {
    ...c,
    rootFingerprint: sha1Fingerprint(c.rootCaPem),
    intermediateFingerprint: sha1Fingerprint(c.intermediateCaPem),
    leafFingerprint: sha1Fingerprint(c.leafPem),
  };
}

/**
 * Generates a fresh root → intermediate → leaf chain. `label` goes into the subjects so that two
 * generations are easy to tell apart in `openssl s_client` output.
 */
export function createTestCertificates(opts: TestCertificateOptions = {}): TestCertificates {
  const label = opts.label ?? "alicloud-federation test";
  const root = ecKeys();
  const rootName = `${label} root CA`;
  const rootCaPem = certificate({
    subject: rootName,
    issuer: rootName,
    publicKey: root.publicKey,
    signingKey: root.privateKey,
    issuerPublicKey: root.publicKey,
    ca: true,
    notBefore: new Date(Date.now() - 60 * 60 * 1000),
    notAfter: new Date(Date.now() + (opts.rootValidDays ?? 3650) * DAY_MS),
  });
  const certs = withFingerprints({ rootCaPem, ...intermediateAndLeaf(root, rootName, opts, label) });
  rootKeys.set(certs, root);
  return certs;
}

/**
 * A new intermediate and leaf under the root of `certs` (made by {@link createTestCertificates}):
 * what an issuer's intermediate rotation looks like. The root and its fingerprint stay.
 */
export function reissueUnderSameRoot(
  certs: TestCertificates,
  opts: TestCertificateOptions = {},
): TestCertificates {
  const root = rootKeys.get(certs);
  if (!root)
    throw new Error("reissueUnderSameRoot: these certificates were not made by createTestCertificates");
  const rootName = new X509Certificate(certs.rootCaPem).subject.replace(/^CN=/, "");
  const label = opts.label ?? `${rootName.replace(/ root CA$/, "")} ${randomBytes(3).toString("hex")}`;
  const next = withFingerprints({
    rootCaPem: certs.rootCaPem,
    ...intermediateAndLeaf(root, rootName, opts, label),
  });
  rootKeys.set(next, root);
  return next;
}
