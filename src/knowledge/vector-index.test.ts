import { ExactIndex } from "./exact-index.js";
import { HnswIndex } from "./hnsw-index.js";
import { vectorIndexContract } from "./vector-index.contract.js";

vectorIndexContract("exact", (d) => new ExactIndex(d, 4), 1);
// On 2,000 isotropic 64-d vectors HNSW at its defaults finds nearly all of the exact top 10;
// the 100k figure at the embedder's 512 dimensions is bench/knowledge.ts's.
vectorIndexContract("hnsw", (d) => new HnswIndex(d), 0.9);
