// versions.env is the one source of pinned versions: every other file that has to spell a
// version out must agree with it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import { REPO_ROOT, pinnedVersions } from '../../../service/test/support/versions.ts';

const read = (path: string) => readFileSync(new URL(path, REPO_ROOT), 'utf8');
const pins = pinnedVersions();

describe('pinned versions agree with versions.env', () => {
  it('the Dockerfile base image', () => {
    expect(read('service/Dockerfile')).to.include(`ARG NODE_IMAGE=${pins.NODE_IMAGE}\n`);
    expect(pins.NODE_IMAGE).to.equal(`node:${pins.NODE_VERSION}-bookworm-slim`);
  });

  it('the image defaults of docker-compose.yml', () => {
    const compose = read('docker-compose.yml');
    const defaults = [...compose.matchAll(/\$\{([A-Z_]+_IMAGE):-([^}]+)\}/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(defaults.length).to.be.greaterThan(3);
    for (const [name, value] of defaults) {
      if (name === 'IMAGE') continue;
      expect(value, `${name} in docker-compose.yml`).to.equal(pins[name ?? '']);
    }
  });

  it('the moto and terraform image tags follow their tool versions', () => {
    expect(pins.MOTO_IMAGE).to.equal(`motoserver/moto:${pins.MOTO_VERSION}`);
    expect(pins.TERRAFORM_IMAGE).to.equal(`hashicorp/terraform:${pins.TERRAFORM_VERSION}`);
    expect(pins.LOCALSTACK_IMAGE).to.equal('localstack/localstack:4.14.0');
  });

  it('the AWS provider constraint admits the pinned provider', () => {
    const versions = read('terraform/versions.tf');
    const [major, minor] = (pins.AWS_PROVIDER_VERSION ?? '').split('.');
    expect(versions).to.match(new RegExp(`version\\s*=\\s*"~> ${major}\\.${minor}"`));
  });

  it('the service engines admit the pinned Node.js', () => {
    const pkg = JSON.parse(read('service/package.json')) as { engines: { node: string } };
    const minimum = Number(/>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);
    expect(Number(pins.NODE_VERSION?.split('.')[0])).to.be.at.least(minimum);
  });

  it('no file names a version of a pinned image other than the pinned one', () => {
    const images = Object.entries(pins).filter(([name]) => name.endsWith('_IMAGE'));
    const files = ['docker-compose.yml', 'service/Dockerfile', ...workflowFiles()];
    for (const file of files) {
      const text = read(file);
      for (const [name, value] of images) {
        const repository = value.slice(0, value.lastIndexOf(':'));
        const mentions = [
          ...text.matchAll(new RegExp(`${repository.replace(/[/.]/g, '\\$&')}:([\\w.-]+)`, 'g')),
        ];
        for (const mention of mentions) {
          expect(`${repository}:${mention[1]}`, `${name} in ${file}`).to.equal(value);
        }
      }
    }
  });
});

function workflowFiles(): string[] {
  const dir = new URL('.github/workflows/', REPO_ROOT);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `.github/workflows/${name}`);
}
