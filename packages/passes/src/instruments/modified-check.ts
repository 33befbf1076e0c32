import { InvariantError, structuralHash, type Model } from '@mixprec/ir';
import type { PassInstrument } from '../instrument.js';
import type { PassInfo, PassResult } from '../pass.js';

/**
 * For tests (HOUSE-STYLE §10.2): fails a pass whose `modified` disagrees with the structural
 * hash of the model before and after it. Leaf passes must report `modified: true` exactly when
 * the hash changed; composites must report it at least when the hash changed (their children
 * may change and restore the model).
 */
export function createModifiedCheckInstrument(): PassInstrument {
  const stack: string[] = [];
  return {
    name: 'modified-check',
    runBeforePass(m: Model) {
      stack.push(structuralHash(m));
    },
    runAfterPass(m: Model, info: PassInfo, r: PassResult) {
      const before = stack.pop();
      if (before === undefined) return;
      const changed = structuralHash(m) !== before;
      if (changed && !r.modified) {
        throw new InvariantError(`Pass '${info.name}' changed the model but returned modified: false`);
      }
      if (!changed && r.modified && info.composite !== true) {
        throw new InvariantError(`Pass '${info.name}' returned modified: true but the model is structurally unchanged`);
      }
    },
    runAfterPassFailed() {
      stack.pop();
    },
  };
}
