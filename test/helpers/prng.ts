/** The seeded PRNG randomised tests replay from their seed: the simulator's own (one implementation). */
export { mulberry32 } from '../../venues/sim/world';
