import type { Rule } from './types';

/** etcd needs a majority: an even count tolerates no more failures than the odd count below it. */
export const controlPlaneOdd: Rule = (spec, ctx) => {
  const count = spec.spec.controlPlane.count;
  if (count % 2 === 1) return [];
  return [
    ctx.problem(
      '/spec/controlPlane/count',
      `${count} control-plane nodes cannot keep an etcd quorum better than ${count - 1}; use an odd number (1, 3, 5 or 7)`,
    ),
  ];
};
