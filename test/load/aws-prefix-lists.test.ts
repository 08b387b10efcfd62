/**
 * Managed prefix lists, as the AWS CLI prints them: `aws ec2 describe-managed-prefix-lists`
 * (PrefixLists[], no entries), `aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-…`
 * (Entries[{Cidr, Description}], the id not printed) and `aws ec2 describe-prefix-lists`
 * (the AWS service lists, CIDRs inline). Shapes from the EC2 API reference
 * (DescribeManagedPrefixLists, GetManagedPrefixListEntries, DescribePrefixLists).
 */
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { isAwsDocument } from "../../src/load/aws/index.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { REPO, tempDir } from "../support/helpers.js";

const CAPTURE = join(REPO, "test/fixtures/captures/prefix-lists");

const ENTRIES_OFFICE = `{
    "Entries": [
        {
            "Cidr": "198.51.100.0/24",
            "Description": "Seoul office"
        }
    ]
}
`;

describe("managed prefix lists", () => {
  test("describe-managed-prefix-lists + get-managed-prefix-list-entries: entries attach to their list (id from the file name and from the index's prefixListId)", () => {
    const s = loadSnapshot({ paths: [CAPTURE], cwd: REPO });
    assert.deepEqual(s.diagnostics, []);
    const lists = s.aws.prefixLists;
    assert.deepEqual(
      lists.map((l) => [l.id, l.name, l.addressFamily, l.entries?.map((e) => e.cidr)]),
      [
        ["pl-0f3e1c2d4b5a69788", "office-egress", "IPv4", ["198.51.100.0/24", "203.0.113.128/25"]],
        [
          "pl-22a6434b",
          "com.amazonaws.global.cloudfront.origin-facing",
          "IPv4",
          ["13.124.199.0/24", "130.176.0.0/18", "15.158.0.0/16"],
        ],
      ],
    );
    assert.equal(lists[0]!.entries![0]!.description, "Seoul office");
    assert.equal(lists[1]!.entries![0]!.description, undefined);
    assert.equal(
      lists[0]!.source.file,
      "test/fixtures/captures/prefix-lists/aws/ec2-describe-managed-prefix-lists.json",
    );
    assert.equal(lists[0]!.source.line, 3);
    assert.equal(
      lists[0]!.entriesSource?.file,
      "test/fixtures/captures/prefix-lists/aws/prefix-list-entries/pl-0f3e1c2d4b5a69788.json",
    );
    const files = Object.fromEntries(s.files.map((f) => [f.path.replace(/^.*prefix-lists\//, ""), f.objects]));
    assert.deepEqual(files["aws/ec2-describe-managed-prefix-lists.json"], { "ec2:ManagedPrefixList": 2 });
    assert.deepEqual(files["aws/prefix-list-entries/cloudfront.json"], { "ec2:PrefixListEntry": 3 });
  });

  test("entries whose list id is nowhere (no index key, no pl-… in the file name) are a located missing-prefix-list warning", () => {
    const dir = tempDir();
    cpSync(join(CAPTURE, "aws"), join(dir, "aws"), { recursive: true });
    const s = loadSnapshot({ paths: ["aws"], cwd: dir });
    const d = s.diagnostics.filter((x) => x.severity === "warning");
    assert.deepEqual(
      d.map((x) => [x.code, x.source?.file, x.source?.line]),
      [["missing-prefix-list", "aws/prefix-list-entries/cloudfront.json", 1]],
    );
    assert.match(d[0]!.message, /prefixListId in podpath\.yaml/);
    assert.equal(
      s.aws.prefixLists.find((l) => l.id === "pl-22a6434b")?.entries,
      undefined,
      "the CloudFront list stays without entries",
    );
    assert.equal(s.aws.prefixLists.find((l) => l.id === "pl-0f3e1c2d4b5a69788")?.entries?.length, 2);
  });

  test("only a pl-… standing alone in the file name names the list: pl-cloudfront.json does not", () => {
    const dir = tempDir({ "pl-cloudfront.json": ENTRIES_OFFICE, "entries-pl-0a1b2c3d.json": ENTRIES_OFFICE });
    const s = loadSnapshot({ paths: ["."], cwd: dir });
    assert.deepEqual(
      s.diagnostics.map((d) => [d.code, d.source?.file]),
      [["missing-prefix-list", "pl-cloudfront.json"]],
    );
    assert.deepEqual(
      s.aws.prefixLists.map((l) => l.id),
      ["pl-0a1b2c3d"],
    );
  });

  test("entries without describe-managed-prefix-lists create the list (no name)", () => {
    const dir = tempDir({ "pl-0a1b2c3d.json": ENTRIES_OFFICE });
    const s = loadSnapshot({ paths: ["."], cwd: dir });
    assert.deepEqual(s.diagnostics, []);
    assert.deepEqual(
      s.aws.prefixLists.map((l) => [l.id, l.name, l.entries?.map((e) => e.cidr), l.source.file, l.source.line]),
      [["pl-0a1b2c3d", undefined, ["198.51.100.0/24"], "pl-0a1b2c3d.json", 1]],
    );
  });

  test("the index's prefixListId wins over a different pl-… in the file name, with a warning", () => {
    const dir = tempDir({
      "pl-0a1b2c3d.json": ENTRIES_OFFICE,
      "podpath.yaml": "aws:\n  - path: pl-0a1b2c3d.json\n    prefixListId: pl-0ffff\n",
    });
    const s = loadSnapshot({ paths: ["."], cwd: dir });
    assert.deepEqual(
      s.aws.prefixLists.map((l) => l.id),
      ["pl-0ffff"],
    );
    assert.deepEqual(
      s.diagnostics.map((d) => d.code),
      ["invalid-field"],
    );
    assert.match(
      s.diagnostics[0]!.message,
      /the file name names prefix list pl-0a1b2c3d but podpath\.yaml names pl-0ffff/,
    );
  });

  test("a malformed entry is skipped with a located warning; the others are kept", () => {
    const json = `{
    "Entries": [
        {
            "Cidr": "10.0.0.0/33"
        },
        {
            "Cidr": "10.1.0.0/16"
        }
    ]
}
`;
    const dir = tempDir({ "pl-0a1b2c3d-entries.json": json });
    const s = loadSnapshot({ paths: ["."], cwd: dir });
    // at the bad Cidr itself (issue 8 item 9: a skipped object's warning points at the offending field)
    assert.deepEqual(
      s.diagnostics.map((d) => [d.code, d.source?.line]),
      [["invalid-object", 4]],
    );
    assert.match(
      s.diagnostics[0]!.message,
      /prefix list pl-0a1b2c3d entry 10\.0\.0\.0\/33 skipped: Cidr "10\.0\.0\.0\/33" is not a valid CIDR block/,
    );
    assert.deepEqual(
      s.aws.prefixLists[0]!.entries?.map((e) => e.cidr),
      ["10.1.0.0/16"],
    );
  });

  test("describe-prefix-lists (AWS service lists, Cidrs inline) gives lists with their entries", () => {
    const json = `{
    "PrefixLists": [
        {
            "Cidrs": [
                "52.219.56.0/22",
                "3.5.140.0/22"
            ],
            "PrefixListId": "pl-78a54011",
            "PrefixListName": "com.amazonaws.ap-northeast-2.s3"
        }
    ]
}
`;
    const dir = tempDir({ "ec2-describe-prefix-lists.json": json });
    const s = loadSnapshot({ paths: ["."], cwd: dir });
    assert.deepEqual(s.diagnostics, []);
    assert.deepEqual(
      s.aws.prefixLists.map((l) => [l.id, l.name, l.entries?.map((e) => e.cidr)]),
      [["pl-78a54011", "com.amazonaws.ap-northeast-2.s3", ["52.219.56.0/22", "3.5.140.0/22"]]],
    );
  });

  test("a document is get-managed-prefix-list-entries output only when its Entries carry a Cidr", () => {
    assert.equal(isAwsDocument({ Entries: [{ Cidr: "10.0.0.0/8" }] }), true);
    assert.equal(isAwsDocument({ Entries: [] }), true);
    assert.equal(isAwsDocument({ Entries: [{ Name: "x" }] }), false);
    assert.equal(isAwsDocument({ Entries: [{ Cidr: 10 }] }), false);
    assert.equal(isAwsDocument({ PrefixLists: [] }), true);
  });
});
