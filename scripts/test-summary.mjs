// Prints the plain closing line "N passed, N failed" from vitest's JSON report. A test file that
// fails before its tests run (an import or setup error) has no failed test of its own: it is
// counted and named too, so the line never says "0 failed" for a run that failed.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed'));
const failed = report.numFailedTests + brokenFiles.length;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
for (const file of brokenFiles) console.log(`  failed before its tests ran: ${file.name}${file.message ? ` — ${file.message.split('\n')[0]}` : ''}`);
process.exit(failed === 0 && report.numPassedTests > 0 ? 0 : 1);
