import { interpolations, referencedAddresses, undeclaredReferences } from '../lib/private/terraform-refs';

const PROVIDERS = new Set(['aws', 'digitalocean', 'terraform']);

describe('interpolations of a template string', () => {
  test('finds each ${ ... } expression, with nested braces and quoted braces inside', () => {
    expect(interpolations('a ${aws_s3_bucket.b.arn}/* and ${jsonencode({ a = "}" })}')).toEqual(['aws_s3_bucket.b.arn', 'jsonencode({ a = "}" })']);
  });

  test('leaves the escaped $${ ... } alone, as Terraform does', () => {
    expect(interpolations('echo $${HOME} ${var.x}')).toEqual(['var.x']);
  });
});

describe('addresses an interpolation names', () => {
  test('resources and data sources of the configuration\'s providers, with attributes, splats and indexes', () => {
    expect(referencedAddresses('${aws_s3_bucket.Vault_1.arn}/*', PROVIDERS)).toEqual(['aws_s3_bucket.Vault_1']);
    expect(referencedAddresses('${data.aws_region.Current.name}', PROVIDERS)).toEqual(['data.aws_region.Current']);
    expect(referencedAddresses('${digitalocean_droplet.App[*].id}', PROVIDERS)).toEqual(['digitalocean_droplet.App']);
    expect(referencedAddresses('${terraform_data.Secrets.id}', PROVIDERS)).toEqual(['terraform_data.Secrets']);
    expect(referencedAddresses('${jsonencode({ id = aws_kms_key.Key.arn })}', PROVIDERS)).toEqual(['aws_kms_key.Key']);
  });

  test('not variables, locals, iterators, functions, provider functions, string literals or other providers\' types', () => {
    const none = [
      '${var.ssh_key}', '${local.my_value.id}', '${each.value}', '${count.index}', '${self.ipv4_address}',
      '${provider::aws::arn_parse(var.arn).region}', '${format("%s", "aws_s3_bucket.Quoted")}', '${random_id.X.hex}',
      '$${aws_s3_bucket.Escaped.arn}', 'no interpolation aws_s3_bucket.Plain',
    ];
    for (const text of none) expect(referencedAddresses(text, PROVIDERS)).toEqual([]);
  });

  test('an interpolation inside a string inside an expression is read too', () => {
    expect(referencedAddresses('${format("%s", "${aws_s3_bucket.Inner.id}")}', PROVIDERS)).toEqual(['aws_s3_bucket.Inner']);
  });
});

describe('undeclared references of a configuration', () => {
  const tf = {
    provider: { aws: [{ region: 'eu-central-1' }] },
    resource: {
      aws_s3_bucket: { Vault: { bucket: 'v' } },
      aws_s3_bucket_versioning: { Versioning: { bucket: '${aws_s3_bucket.Vault.id}' } },
      aws_kms_key: { Key: { description: 'policy of ${aws_iam_role.Missing.arn}' } },
    },
    data: { aws_region: { Current: {} } },
    output: { region: { value: '${data.aws_region.Current.name}' }, other: { value: '${data.aws_caller_identity.Gone.account_id}' } },
  };

  test('lists each reference to an address the configuration does not declare, with the block that makes it', () => {
    expect(undeclaredReferences(tf)).toEqual([
      { from: 'resource.aws_kms_key.Key', address: 'aws_iam_role.Missing' },
      { from: 'output.other', address: 'data.aws_caller_identity.Gone' },
    ]);
  });

  test('finds nothing wrong in a configuration whose references are all declared', () => {
    const ok = { ...tf, resource: { aws_s3_bucket: tf.resource.aws_s3_bucket, aws_s3_bucket_versioning: tf.resource.aws_s3_bucket_versioning }, output: { region: tf.output.region } };
    expect(undeclaredReferences(ok)).toEqual([]);
  });
});
