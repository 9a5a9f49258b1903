// Opening the IPVS family and reading its general information (IPVS_CMD_GET_INFO).
import { ExitCode, VipctlError, isSystemError } from '../errors.js';
import { GenlClient, decodeGenl } from '../netlink/genl.js';
import { IPVS_CMD_GET_INFO, IPVS_GENL_NAME, IPVS_INFO_ATTR_CONN_TAB_SIZE, IPVS_INFO_ATTR_VERSION } from './constants.js';

export interface IpvsInfo {
  /** "1.2.1" */
  version: string;
  /** The kernel's version code, e.g. 0x010201. */
  versionCode: number;
  /** Size of the connection hash table. */
  connectionTableSize: number;
}

/** The one error for a kernel without IPVS, whichever interface found it missing. */
export function noIpvsError(what: string, cause: unknown): VipctlError {
  return new VipctlError(`this kernel has no IPVS (${what})`, { hint: 'load the module with `modprobe ip_vs`', exitCode: ExitCode.Unsupported, cause });
}

/** Opens one generic-netlink socket to IPVS, with errors a user can act on. */
export async function openIpvs(): Promise<GenlClient> {
  try {
    return await GenlClient.open(IPVS_GENL_NAME);
  } catch (error) {
    if (isSystemError(error) && error.code === 'ENOENT') throw noIpvsError('the IPVS netlink family is missing', error);
    if (isSystemError(error) && (error.code === 'EPERM' || error.code === 'EACCES')) {
      throw new VipctlError('permission denied talking to IPVS', {
        hint: 'run as root or with CAP_NET_ADMIN',
        exitCode: ExitCode.Permission,
        cause: error,
      });
    }
    throw error;
  }
}

export function versionText(code: number): string {
  return `${(code >> 16) & 0xff}.${(code >> 8) & 0xff}.${code & 0xff}`;
}

export async function getInfo(client: GenlClient): Promise<IpvsInfo> {
  const replies = await client.connection.request({
    type: client.family.id,
    payload: client.payload(IPVS_CMD_GET_INFO),
  });
  const reply = replies[0];
  if (!reply) throw new Error('IPVS gave no answer to GET_INFO');
  const { attributes } = decodeGenl(reply, 'ipvs info');
  const versionCode = attributes.u32(IPVS_INFO_ATTR_VERSION) ?? 0;
  return {
    version: versionText(versionCode),
    versionCode,
    connectionTableSize: attributes.u32(IPVS_INFO_ATTR_CONN_TAB_SIZE) ?? 0,
  };
}
