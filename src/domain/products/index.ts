// Products: catalog lookups.
export { getBestSellers, type BestSeller } from './best-sellers.js';
