// `npm run datasets`: regenerate the built-in suites in datasets/ from their seeded generators.
import { generateDatasets } from '../bench/index.js';

const result = generateDatasets(process.argv[2]);
console.log(JSON.stringify(result, null, 2));
