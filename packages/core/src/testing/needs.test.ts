import { afterEach, describe, expect, it } from 'vitest';
import { declaredRequirements, needs } from './needs.js';
import { REQUIREMENT_NAMES } from './requirements.js';

const saved = process.env.GFT_REQUIRE;
const savedChromium = process.env.GFT_CHROMIUM;
afterEach(() => {
  if (saved === undefined) delete process.env.GFT_REQUIRE;
  else process.env.GFT_REQUIRE = saved;
  if (savedChromium === undefined) delete process.env.GFT_CHROMIUM;
  else process.env.GFT_CHROMIUM = savedChromium;
});

describe('declaredRequirements', () => {
  it('reads comma-separated names, and all', () => {
    expect([...declaredRequirements('')]).toEqual([]);
    expect([...declaredRequirements(' arena-data, chromium ,')]).toEqual([
      'arena-data',
      'chromium',
    ]);
    expect([...declaredRequirements('all')]).toEqual(REQUIREMENT_NAMES);
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => declaredRequirements('chromium,gpu')).toThrow(
      /unknown requirement\(s\) 'gpu'; known: arena-data, chromium, webgpu/,
    );
  });
});

describe('needs', () => {
  it('skips, saying why, when missing and not declared', () => {
    delete process.env.GFT_REQUIRE;
    process.env.GFT_CHROMIUM = '/nonexistent/chromium';
    const need = needs('chromium');
    expect(need.ok).toBe(false);
    expect(need.title('renders')).toBe(
      'renders (skipped: needs chromium: no /nonexistent/chromium)',
    );
  });

  it('fails, naming what is missing, when missing and declared', () => {
    process.env.GFT_REQUIRE = 'chromium';
    process.env.GFT_CHROMIUM = '/nonexistent/chromium';
    expect(() => needs('chromium')).toThrow(
      /GFT_REQUIRE declares 'chromium' .* but it is missing: no \/nonexistent\/chromium/,
    );
  });

  it("asks the test's probe once its own check passes", () => {
    process.env.GFT_REQUIRE = '';
    process.env.GFT_CHROMIUM = process.execPath;
    expect(needs('chromium', () => undefined).ok).toBe(true);
    expect(needs('chromium', () => 'did not start').title('t')).toBe(
      't (skipped: needs chromium: did not start)',
    );
  });

  it('takes a probe where the requirement has no check of its own', () => {
    process.env.GFT_REQUIRE = 'chromium';
    expect(needs('webgpu', () => undefined)).toMatchObject({ ok: true, reason: '' });
    const gone = needs('webgpu', () => 'no adapter\nattempts: ...');
    expect(gone.title('t')).toBe('t (skipped: needs webgpu: no adapter)');
    expect(() => needs('webgpu')).toThrow(/pass needs\('webgpu', probe\)/);
    process.env.GFT_REQUIRE = 'webgpu';
    expect(() => needs('webgpu', () => 'no adapter')).toThrow(/declares 'webgpu'.*no adapter/);
  });
});
