// Prettier: the service's options (service/.prettierrc.json), so both packages format alike.
import options from '../service/.prettierrc.json' with { type: 'json' };

export default options;
