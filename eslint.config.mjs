// ESLint flat config: `npm run lint` (CONTRIBUTING.md, "Lint"). Type-aware typescript-eslint rules
// on src/, test/ and bench/ (the tsconfig.json program); plain JS rules on the .mjs scripts.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "examples/"] },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits (the usual idiom).
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["test", "describe", "it", "suite"] },
          ],
        },
      ],
      // Tests match aligned report columns with literal spaces, as the output prints them.
      "no-regex-spaces": "off",
      // `const { outer: _outer, ...rest } = p` drops a field by destructuring; `_` marks it unused.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Unions such as `"instance" | "ip" | string` name the known values of an open set on purpose.
      "@typescript-eslint/no-redundant-type-constituents": "off",
    },
  },
  {
    files: ["src/load/parse-json.ts"],
    // The scanner compares charCodeAt() numbers with its const enum of character codes by design.
    rules: { "@typescript-eslint/no-unsafe-enum-comparison": "off" },
  },
  {
    files: ["test/**/*.ts"],
    // Tests poke at JSON.parse output and stubbed inputs; the assertions are the type check there.
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Tests destructure node:path/node:fs and check that optional methods are present.
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    files: ["**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly" },
    },
  },
);
