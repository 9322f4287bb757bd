/**
 * The stacks of the four tiers (dev, prod, ha-platform + ha, local) of one app, from its description
 * file, with the tiers layer of cdktf-erp-constructs: a whole cdktf app.
 */
import { App } from 'cdktf';
import { buildStacks, loadAppDescriptionFile } from 'cdktf-erp-constructs/tiers';

const app = new App();
buildStacks(app, loadAppDescriptionFile(process.env.ERP_APP_DESCRIPTION ?? 'erp.yaml'));
app.synth();
